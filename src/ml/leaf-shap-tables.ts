/** Most distinct features on one root-to-leaf path for which a leaf's table is built (2^k · k values a leaf). */
export const MAX_TABLE_FEATURES = 8;

/** The flat trees a TreeShapExplainer holds (node i: feature −1 for a leaf). */
export interface FlatTrees {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  /** Share of the background reaching node i from its parent. */
  share: Float64Array;
  roots: Int32Array;
}

/**
 * Path-dependent TreeSHAP by leaf tables, for trees whose paths use at most MAX_TABLE_FEATURES distinct features.
 * In TreeSHAP a leaf's part of the Shapley values depends on the row only through which of its path's distinct
 * features the row follows at every split on it (the path's "one fractions", 0 or 1); the "zero fractions" (the
 * background's shares) are fixed. So for each leaf and each of the 2^k patterns, the k contributions are computed at
 * load with the same EXTEND / UNWOUND-SUM recurrences as Algorithm 2; explaining a row is then, per leaf, the
 * pattern from its splits and k additions: O(leaves · depth) instead of O(leaves · depth²) with divisions.
 */
export class LeafShapTables {
  private readonly splitStart: Int32Array;
  private readonly splitFeature: Int32Array;
  private readonly splitThreshold: Float64Array;
  private readonly splitLeft: Uint8Array;
  private readonly splitBit: Int32Array;
  private readonly useStart: Int32Array;
  private readonly useFeature: Int32Array;
  private readonly tableStart: Int32Array;
  private readonly table: Float64Array;

  private constructor(leaves: LeafPath[]) {
    let splits = 0;
    let uses = 0;
    let cells = 0;
    for (const l of leaves) (splits += l.splits.length), (uses += l.features.length), (cells += (1 << l.features.length) * l.features.length);
    this.splitStart = new Int32Array(leaves.length + 1);
    this.splitFeature = new Int32Array(splits);
    this.splitThreshold = new Float64Array(splits);
    this.splitLeft = new Uint8Array(splits);
    this.splitBit = new Int32Array(splits);
    this.useStart = new Int32Array(leaves.length + 1);
    this.useFeature = new Int32Array(uses);
    this.tableStart = new Int32Array(leaves.length);
    this.table = new Float64Array(cells);
    let s = 0;
    let u = 0;
    let c = 0;
    for (const [i, l] of leaves.entries()) {
      this.splitStart[i] = s;
      for (const sp of l.splits) {
        this.splitFeature[s] = sp.feature;
        this.splitThreshold[s] = sp.threshold;
        this.splitLeft[s] = sp.left ? 1 : 0;
        this.splitBit[s++] = 1 << l.features.indexOf(sp.feature);
      }
      this.useStart[i] = u;
      for (const f of l.features) this.useFeature[u++] = f;
      this.tableStart[i] = c;
      c = fillTable(l, this.table, c);
    }
    this.splitStart[leaves.length] = s;
    this.useStart[leaves.length] = u;
  }

  /** Tables for `t`, or null when a path has more than MAX_TABLE_FEATURES distinct features. */
  static build(t: FlatTrees): LeafShapTables | null {
    const leaves: LeafPath[] = [];
    const path: PathSplit[] = [];
    const zero = new Map<number, number>();
    let tooWide = false;
    const walk = (i: number): void => {
      if (t.feature[i]! < 0) {
        const features = [...new Set(path.map((p) => p.feature))];
        if (features.length > MAX_TABLE_FEATURES) tooWide = true;
        else leaves.push({ splits: path.slice(), features, zero: features.map((f) => zero.get(f)!), value: t.value[i]! });
        return;
      }
      const f = t.feature[i]!;
      for (const [child, left] of [[t.left[i]!, true], [t.right[i]!, false]] as const) {
        const before = zero.get(f);
        zero.set(f, (before ?? 1) * t.share[child]!);
        path.push({ feature: f, threshold: t.threshold[i]!, left });
        walk(child);
        path.pop();
        if (before === undefined) zero.delete(f);
        else zero.set(f, before);
      }
    };
    for (const r of t.roots) walk(r);
    return tooWide ? null : new LeafShapTables(leaves);
  }

  /** Adds the contributions of row `x` into `phi`. */
  explain(x: Float64Array, phi: Float64Array): void {
    const { splitStart, splitFeature, splitThreshold, splitLeft, splitBit, useStart, useFeature, tableStart, table } = this;
    const leaves = tableStart.length;
    for (let l = 0; l < leaves; l++) {
      const u0 = useStart[l]!;
      const k = useStart[l + 1]! - u0;
      let pattern = (1 << k) - 1;
      for (let s = splitStart[l]!; s < splitStart[l + 1]!; s++) {
        const goesLeft = x[splitFeature[s]!]! < splitThreshold[s]! ? 1 : 0;
        if (goesLeft !== splitLeft[s]) pattern &= ~splitBit[s]!;
      }
      const at = tableStart[l]! + pattern * k;
      for (let j = 0; j < k; j++) phi[useFeature[u0 + j]!] = phi[useFeature[u0 + j]!]! + table[at + j]!;
    }
  }
}

interface PathSplit {
  feature: number;
  threshold: number;
  /** The path goes to the left child (`x[feature] < threshold`). */
  left: boolean;
}

interface LeafPath {
  splits: PathSplit[];
  /** Distinct features of the path, in order of first use: bit j of a pattern is features[j]. */
  features: number[];
  /** Product of the background shares of the path's splits on each feature. */
  zero: number[];
  value: number;
}

/**
 * Writes the leaf's 2^k patterns × k contributions at `at`; returns the next free index. For a pattern, the path is
 * the dummy root element then one element per distinct feature (zero fraction, one fraction 0 or 1), the weights
 * built by EXTEND, and feature j's contribution is UNWOUND-SUM(j) · (one − zero) · value (Algorithm 2's leaf step).
 */
function fillTable(l: LeafPath, out: Float64Array, at: number): number {
  const k = l.features.length;
  const z = new Float64Array(k + 1);
  const o = new Float64Array(k + 1);
  const w = new Float64Array(k + 1);
  for (let pattern = 0; pattern < 1 << k; pattern++) {
    z[0] = 1;
    o[0] = 1;
    w[0] = 1;
    for (let d = 1; d <= k; d++) {
      z[d] = l.zero[d - 1]!;
      o[d] = (pattern >> (d - 1)) & 1;
      w[d] = 0;
      for (let i = d - 1; i >= 0; i--) {
        w[i + 1] = w[i + 1]! + (o[d]! * w[i]! * (i + 1)) / (d + 1);
        w[i] = (z[d]! * w[i]! * (d - i)) / (d + 1);
      }
    }
    for (let j = 1; j <= k; j++) out[at++] = unwoundSum(w, z[j]!, o[j]!, k) * (o[j]! - z[j]!) * l.value;
  }
  return at;
}

/** UNWOUND-SUM of Algorithm 2 on weights `w` of a path of length d + 1, for an element of fractions (zero, one). */
function unwoundSum(w: Float64Array, zero: number, one: number, d: number): number {
  let total = 0;
  let next = w[d]!;
  for (let i = d - 1; i >= 0; i--) {
    if (one !== 0) {
      const t = (next * (d + 1)) / ((i + 1) * one);
      total += t;
      next = w[i]! - (t * zero * (d - i)) / (d + 1);
    } else if (zero !== 0) {
      total += w[i]! / zero / ((d - i) / (d + 1));
    }
  }
  return total;
}
