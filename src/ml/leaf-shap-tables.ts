/** Most distinct features on one root-to-leaf path for which a leaf's table is built (2^k · k values a leaf). */
export const MAX_TABLE_FEATURES = 8;

/**
 * Most table values in all (32 MiB of float64): the default forest needs ~0.8 M; a larger explain.json (hostile, or
 * trees far deeper than `mia train` grows) is explained by the recursion rather than allocating without bound.
 */
export const MAX_TABLE_CELLS = 4 * 1024 * 1024;

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
  private readonly t: FlatTrees;
  /** Internal node i: the pattern bit of its feature on the path to it; leaf i: its leaf number. */
  private readonly nodeBit: Int32Array;
  private readonly leafOf: Int32Array;
  /** Depth-first stack of (node, pattern). */
  private readonly stackNode: Int32Array;
  private readonly stackPattern: Int32Array;
  private readonly useStart: Int32Array;
  private readonly useFeature: Int32Array;
  private readonly tableStart: Int32Array;
  private readonly table: Float64Array;

  private constructor(t: FlatTrees, leaves: LeafPath[], nodeBit: Int32Array, leafOf: Int32Array, maxDepth: number) {
    this.t = t;
    this.nodeBit = nodeBit;
    this.leafOf = leafOf;
    this.stackNode = new Int32Array(maxDepth + 3);
    this.stackPattern = new Int32Array(maxDepth + 3);
    let uses = 0;
    let cells = 0;
    for (const l of leaves) (uses += l.features.length), (cells += (1 << l.features.length) * l.features.length);
    this.useStart = new Int32Array(leaves.length + 1);
    this.useFeature = new Int32Array(uses);
    this.tableStart = new Int32Array(leaves.length);
    this.table = new Float64Array(cells);
    let u = 0;
    let c = 0;
    for (const [i, l] of leaves.entries()) {
      this.useStart[i] = u;
      for (const f of l.features) this.useFeature[u++] = f;
      this.tableStart[i] = c;
      c = fillTable(l, this.table, c);
    }
    this.useStart[leaves.length] = u;
  }

  /** Tables for `t`, or null when a path has more than MAX_TABLE_FEATURES distinct features or they would exceed MAX_TABLE_CELLS. */
  static build(t: FlatTrees): LeafShapTables | null {
    const leaves: LeafPath[] = [];
    const path: number[] = [];
    const zero = new Map<number, number>();
    const nodeBit = new Int32Array(t.feature.length);
    const leafOf = new Int32Array(t.feature.length).fill(-1);
    let tooWide = false;
    let maxDepth = 0;
    const walk = (i: number): void => {
      maxDepth = Math.max(maxDepth, path.length);
      if (t.feature[i]! < 0) {
        const features = [...new Set(path)];
        if (features.length > MAX_TABLE_FEATURES) tooWide = true;
        leafOf[i] = leaves.length;
        leaves.push({ features, zero: features.map((f) => zero.get(f)!), value: t.value[i]! });
        return;
      }
      const f = t.feature[i]!;
      path.push(f);
      // Bit j of a pattern is the path's j-th distinct feature, in order of first use: fixed by the path to i.
      nodeBit[i] = 1 << [...new Set(path)].indexOf(f);
      for (const child of [t.left[i]!, t.right[i]!]) {
        const before = zero.get(f);
        zero.set(f, (before ?? 1) * t.share[child]!);
        walk(child);
        if (before === undefined) zero.delete(f);
        else zero.set(f, before);
      }
      path.pop();
    };
    for (const r of t.roots) walk(r);
    let cells = 0;
    for (const l of leaves) cells += (1 << l.features.length) * l.features.length;
    return tooWide || cells > MAX_TABLE_CELLS ? null : new LeafShapTables(t, leaves, nodeBit, leafOf, maxDepth);
  }

  /** Adds the contributions of row `x` into `phi`. */
  explain(x: Float64Array, phi: Float64Array): void {
    const { feature, threshold, left, right, roots } = this.t;
    const { nodeBit, leafOf, stackNode, stackPattern, useStart, useFeature, tableStart, table } = this;
    // Each split is looked at once: a child the row does not take gets the split's feature bit cleared.
    for (let r = 0; r < roots.length; r++) {
      let sp = 0;
      stackNode[sp] = roots[r]!;
      stackPattern[sp++] = -1;
      while (sp > 0) {
        const i = stackNode[--sp]!;
        const pattern = stackPattern[sp]!;
        const f = feature[i]!;
        if (f >= 0) {
          const off = pattern & ~nodeBit[i]!;
          const goesLeft = x[f]! < threshold[i]!;
          stackNode[sp] = left[i]!;
          stackPattern[sp++] = goesLeft ? pattern : off;
          stackNode[sp] = right[i]!;
          stackPattern[sp++] = goesLeft ? off : pattern;
          continue;
        }
        const l = leafOf[i]!;
        const u0 = useStart[l]!;
        const k = useStart[l + 1]! - u0;
        const at = tableStart[l]! + (pattern & ((1 << k) - 1)) * k;
        for (let j = 0; j < k; j++) phi[useFeature[u0 + j]!] = phi[useFeature[u0 + j]!]! + table[at + j]!;
      }
    }
  }
}

interface LeafPath {
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
