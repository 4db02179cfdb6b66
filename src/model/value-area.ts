import type { ValueAreaMethod } from './bar-features.js';

/**
 * Point of control and value area over a dense run of row volumes (index 0 = lowest price), per
 * docs/features.md and ../shared/docs/domain.md. Plain TypeScript: the reference the kernels are tested
 * against, and the implementation tools use outside the hot path.
 */

/** Index of the row with the most volume; ties go to the row nearest the middle, then the lower row. */
export function pointOfControl(vol: ArrayLike<number>): number {
  const mid = (vol.length - 1) / 2;
  let best = 0;
  for (let i = 1; i < vol.length; i++) {
    const v = vol[i]!;
    const b = vol[best]!;
    if (v > b || (v === b && Math.abs(i - mid) < Math.abs(best - mid))) best = i;
  }
  return best;
}

/** A value area: lowest and highest row index, volume inside, total volume. */
export interface ValueArea {
  lo: number;
  hi: number;
  volume: number;
  total: number;
  /** Accumulated volume after each step, starting with the POC row (for worked examples). */
  steps: number[];
}

/**
 * Grows the area from the POC until it holds `share` of the total: cbot2 compares the next two rows
 * above with the next two below (rows past the ends count 0), greedy1 one row each side; the larger side
 * is added, ties go up, an exhausted side yields to the other; stops once accumulated ≥ target.
 */
export function valueArea(vol: ArrayLike<number>, poc: number, share: number, method: ValueAreaMethod): ValueArea {
  let total = 0;
  for (let i = 0; i < vol.length; i++) total += vol[i]!;
  const target = share * total;
  const step = method === 'cbot2' ? 2 : 1;
  const at = (i: number): number => (i >= 0 && i < vol.length ? vol[i]! : 0);
  let lo = poc;
  let hi = poc;
  let acc = vol[poc]!;
  const steps = [acc];
  while (acc < target) {
    const canUp = hi < vol.length - 1;
    const canDown = lo > 0;
    if (!canUp && !canDown) break;
    let up = 0;
    let down = 0;
    for (let k = 1; k <= step; k++) {
      up += at(hi + k);
      down += at(lo - k);
    }
    if (canUp && (!canDown || up >= down)) {
      acc += up;
      hi = Math.min(hi + step, vol.length - 1);
    } else {
      acc += down;
      lo = Math.max(lo - step, 0);
    }
    steps.push(acc);
  }
  return { lo, hi, volume: acc, total, steps };
}
