import type { DecisionTree } from './decision-tree.js';
import { LeafShapTables } from './leaf-shap-tables.js';

/**
 * Share of the background (training rows) that goes to each child of an internal node, from the children's covers
 * (rows that reached them). Children that no training row reached split the node evenly, so the value function
 * stays defined on a path the explained row takes alone.
 */
export function childShares(coverLeft: number, coverRight: number): [number, number] {
  const w = coverLeft + coverRight;
  return w > 0 ? [coverLeft / w, coverRight / w] : [0.5, 0.5];
}

/**
 * Number of training rows that reach each node of `tree` (its covers), in node order: what path-dependent TreeSHAP
 * needs of the background, and all of it. Rows are routed with the tree's own rule (`row[f] < threshold` left).
 */
export function treeCovers(tree: DecisionTree, rows: readonly ArrayLike<number>[]): number[] {
  const covers = new Array<number>(tree.nodes.length).fill(0);
  for (const r of rows) {
    let i = 0;
    for (;;) {
      covers[i]!++;
      const n = tree.nodes[i]!;
      if (n.feature < 0) break;
      i = r[n.feature]! < n.threshold ? n.left : n.right;
    }
  }
  return covers;
}

/** A tree with covers, as explain.json stores it (node i is `feature[i]`, `threshold[i]`…; a leaf has feature −1). */
export interface CoveredTree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
  cover: number[];
}

/**
 * Exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, "Consistent individualized feature attribution for
 * tree ensembles", Algorithm 2) over a set of trees whose outputs add up. The value function of a coalition S is
 * v(S) = E[f(x) | x_S], where a node splitting on a feature outside S sends the row to both children weighted by
 * their share of the training rows (covers); the Shapley values of that v sum to f(x) − v(∅), v(∅) being
 * `expected`. Everything is laid out in flat typed arrays at construction, and the path scratch is allocated once,
 * so `explain` allocates nothing: one pass over each tree, O(leaves · depth²).
 */
export class TreeShapExplainer {
  /** v(∅): the cover-weighted mean output of the trees, plus the constant given at construction. */
  readonly expected: number;
  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly value: Float64Array;
  /** Share of the background reaching node i from its parent (the root: 1). */
  private readonly share: Float64Array;
  private readonly roots: Int32Array;
  // Path scratch (feature, zero fraction, one fraction, permutation weight), one block per recursion level.
  private readonly pf: Int32Array;
  private readonly pz: Float64Array;
  private readonly po: Float64Array;
  private readonly pw: Float64Array;
  /** The leaf tables (leaf-shap-tables.ts) when every path is narrow enough; else the recursion explains. */
  private readonly tables: LeafShapTables | null;
  private phi: Float64Array = new Float64Array(0);
  /** The row explained, copied: one array type in the recursion keeps its property loads monomorphic. */
  private readonly x: Float64Array;

  /**
   * `trees` with their covers; `scale` multiplies every leaf (1/trees for a forest's mean); `constant` is added to
   * the output (a boosted model's base margin), so `expected` is the explained output's base value. `tables`
   * false keeps to Algorithm 2's recursion (the tests compare both).
   */
  constructor(trees: readonly CoveredTree[], scale = 1, constant = 0, tables = true) {
    let size = 0;
    for (const t of trees) size += t.feature.length;
    this.feature = new Int32Array(size);
    this.threshold = new Float64Array(size);
    this.left = new Int32Array(size);
    this.right = new Int32Array(size);
    this.value = new Float64Array(size);
    this.share = new Float64Array(size);
    this.roots = new Int32Array(trees.length);
    let features = 0;
    for (const t of trees) for (const f of t.feature) features = Math.max(features, f + 1);
    this.x = new Float64Array(features);
    let at = 0;
    let maxDepth = 0;
    let expected = constant;
    for (const [k, t] of trees.entries()) {
      this.roots[k] = at;
      const n = t.feature.length;
      for (let i = 0; i < n; i++) {
        const leaf = t.feature[i]! < 0;
        this.feature[at + i] = leaf ? -1 : t.feature[i]!;
        this.threshold[at + i] = t.threshold[i]!;
        this.left[at + i] = leaf ? -1 : at + t.left[i]!;
        this.right[at + i] = leaf ? -1 : at + t.right[i]!;
        this.value[at + i] = t.value[i]! * scale;
      }
      this.share[at] = 1;
      for (let i = 0; i < n; i++) {
        if (t.feature[i]! < 0) continue;
        const [l, r] = childShares(t.cover[t.left[i]!]!, t.cover[t.right[i]!]!);
        this.share[at + t.left[i]!] = l;
        this.share[at + t.right[i]!] = r;
      }
      maxDepth = Math.max(maxDepth, this.depth(at));
      expected += this.mean(at);
      at += n;
    }
    this.expected = expected;
    const flat = { feature: this.feature, threshold: this.threshold, left: this.left, right: this.right, value: this.value, share: this.share, roots: this.roots };
    this.tables = tables ? LeafShapTables.build(flat) : null;
    // Level d's block starts at d(d+1)/2 and holds d+1 elements; a leaf at tree depth D is level D at most.
    const levels = maxDepth + 2;
    const scratch = (levels * (levels + 1)) / 2 + levels;
    this.pf = new Int32Array(scratch);
    this.pz = new Float64Array(scratch);
    this.po = new Float64Array(scratch);
    this.pw = new Float64Array(scratch);
  }

  /** Adds each feature's contribution for `x` into `phi` (length ≥ the highest feature index + 1). */
  explain(x: ArrayLike<number>, phi: Float64Array): void {
    this.phi = phi;
    for (let j = 0; j < this.x.length; j++) this.x[j] = x[j]!;
    if (this.tables) this.tables.explain(this.x, phi);
    else for (let k = 0; k < this.roots.length; k++) this.recurse(this.roots[k]!, 0, 0, 1, 1, -1);
  }

  /** The trees' summed output for `x`, plus the constant: what `expected` + Σ phi equals. */
  output(x: ArrayLike<number>): number {
    let s = this.expected;
    for (let k = 0; k < this.roots.length; k++) s += this.leafOf(this.roots[k]!, x) - this.mean(this.roots[k]!);
    return s;
  }

  private leafOf(i: number, x: ArrayLike<number>): number {
    while (this.feature[i]! >= 0) i = x[this.feature[i]!]! < this.threshold[i]! ? this.left[i]! : this.right[i]!;
    return this.value[i]!;
  }

  /** Cover-weighted mean of the leaves under node i. */
  private mean(i: number): number {
    if (this.feature[i]! < 0) return this.value[i]!;
    const l = this.left[i]!;
    const r = this.right[i]!;
    return this.share[l]! * this.mean(l) + this.share[r]! * this.mean(r);
  }

  private depth(i: number): number {
    return this.feature[i]! < 0 ? 0 : 1 + Math.max(this.depth(this.left[i]!), this.depth(this.right[i]!));
  }

  /**
   * Algorithm 2's RECURSE: `parent` is the offset of the parent's path block, `d` the path length at this node,
   * (zero, one, feature) the element the edge into this node adds.
   */
  private recurse(node: number, parent: number, d: number, zero: number, one: number, feature: number): void {
    const { pf, pz, po, pw } = this;
    // This level's block follows the parent's live elements; the parent's path is copied so that siblings each
    // start from it (the layout of the shap library's tree_shap_recursive).
    const p = parent + d + 1;
    for (let i = 0; i < d; i++) (pf[p + i] = pf[parent + i]!), (pz[p + i] = pz[parent + i]!), (po[p + i] = po[parent + i]!), (pw[p + i] = pw[parent + i]!);
    this.extend(p, d, zero, one, feature);
    const f = this.feature[node]!;
    if (f < 0) {
      const v = this.value[node]!;
      const phi = this.phi;
      for (let i = 1; i <= d; i++) {
        const w = this.unwoundSum(p, d, i);
        phi[pf[p + i]!] = phi[pf[p + i]!]! + w * (po[p + i]! - pz[p + i]!) * v;
      }
      return;
    }
    const goesLeft = this.x[f]! < this.threshold[node]!;
    const hot = goesLeft ? this.left[node]! : this.right[node]!;
    const cold = goesLeft ? this.right[node]! : this.left[node]!;
    let inZero = 1;
    let inOne = 1;
    let depth = d;
    let k = 1;
    while (k <= depth && pf[p + k] !== f) k++;
    if (k <= depth) {
      // The feature was split on above: its earlier element is undone and folded into this split's fractions.
      inZero = pz[p + k]!;
      inOne = po[p + k]!;
      this.unwind(p, depth, k);
      depth--;
    }
    // A child reached neither by the row nor by any background share (both fractions 0) weighs 0 in every
    // coalition: skipped, which also keeps UNWIND from dividing by its zero fraction.
    const hotZero = this.share[hot]! * inZero;
    if (hotZero !== 0 || inOne !== 0) this.recurse(hot, p, depth + 1, hotZero, inOne, f);
    const coldZero = this.share[cold]! * inZero;
    if (coldZero !== 0) this.recurse(cold, p, depth + 1, coldZero, 0, f);
  }

  /** EXTEND: appends (feature, zero, one) as element d of the path at `p` and updates the permutation weights. */
  private extend(p: number, d: number, zero: number, one: number, feature: number): void {
    const { pf, pz, po, pw } = this;
    pf[p + d] = feature;
    pz[p + d] = zero;
    po[p + d] = one;
    pw[p + d] = d === 0 ? 1 : 0;
    for (let i = d - 1; i >= 0; i--) {
      pw[p + i + 1] = pw[p + i + 1]! + (one * pw[p + i]! * (i + 1)) / (d + 1);
      pw[p + i] = (zero * pw[p + i]! * (d - i)) / (d + 1);
    }
  }

  /** UNWIND: removes element k from the path of length d + 1 at `p`. */
  private unwind(p: number, d: number, k: number): void {
    const { pf, pz, po, pw } = this;
    const one = po[p + k]!;
    const zero = pz[p + k]!;
    let next = pw[p + d]!;
    for (let i = d - 1; i >= 0; i--) {
      if (one !== 0) {
        const t = pw[p + i]!;
        pw[p + i] = (next * (d + 1)) / ((i + 1) * one);
        next = t - (pw[p + i]! * zero * (d - i)) / (d + 1);
      } else {
        pw[p + i] = (pw[p + i]! * (d + 1)) / (zero * (d - i));
      }
    }
    for (let i = k; i < d; i++) (pf[p + i] = pf[p + i + 1]!), (pz[p + i] = pz[p + i + 1]!), (po[p + i] = po[p + i + 1]!);
  }

  /** The total permutation weight of the path at `p` with element k unwound, without changing the path. */
  private unwoundSum(p: number, d: number, k: number): number {
    const { pz, po, pw } = this;
    const one = po[p + k]!;
    const zero = pz[p + k]!;
    const n = d + 1;
    let total = 0;
    // The same recurrences as UNWIND's, with the divisions by `one`, `zero` and d + 1 taken out of the loop.
    if (one !== 0) {
      const a = n / one;
      const b = zero / n;
      let next = pw[p + d]!;
      for (let i = d - 1; i >= 0; i--) {
        const t = (next * a) / (i + 1);
        total += t;
        next = pw[p + i]! - t * b * (d - i);
      }
    } else if (zero !== 0) {
      const a = n / zero;
      for (let i = d - 1; i >= 0; i--) total += (pw[p + i]! * a) / (d - i);
    }
    return total;
  }
}
