/** Prices with the tick's two decimals (ES and NQ tick 0.25). */
export function price(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(2);
}

// Formatters made once: toLocaleString builds a new Intl.NumberFormat on every call, which showed in profiles.
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const upTo2 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const cents = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A signed whole number (delta, positions), with thousands separated. */
export function signed(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const s = whole.format(Math.abs(v));
  return v > 0 ? `+${s}` : v < 0 ? `−${s}` : s;
}

/** A count or volume, thousands separated. */
export function count(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : upTo2.format(v);
}

/** A number with `digits` decimals. */
export function fixed(v: number, digits = 2): string {
  // No "-0.00" for a value that rounds to zero.
  return (Math.abs(v) < 0.5 * 10 ** -digits ? 0 : v).toFixed(digits);
}

/** US dollars, two decimals, a minus sign for losses. */
export function usd(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const s = `$${cents.format(Math.abs(v))}`;
  return v < 0 ? `−${s}` : s;
}

/** Microseconds as milliseconds with two decimals. */
export function usAsMs(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v / 1000).toFixed(2)} ms`;
}

/** A probability or share as a percentage. */
export function pct(v: number | null | undefined, digits = 0): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(digits)} %`;
}

/** Decimals a price on a grid of `tick` needs (0.25 → 2, 0.1 → 1, 1 → 0). */
export function decimals(tick: number): number {
  let d = 0;
  while (d < 8 && Math.abs(Math.round(tick * 10 ** d) - tick * 10 ** d) > 1e-9) d++;
  return d;
}
