import { childShares, type CoveredTree } from './tree-shap.js';

/**
 * Shapley values by their definition, for tests: φ_i = Σ over coalitions S ⊆ N∖{i} of |S|!(n−|S|−1)!/n! ·
 * (v(S ∪ {i}) − v(S)), with v evaluated on all 2^n coalitions (a coalition is a bit mask over the n features).
 * Exponential, so only for checking the fast explainers on n = 8.
 */
export function bruteForceShapley(n: number, v: (mask: number) => number): Float64Array {
  const values = new Float64Array(1 << n);
  for (let m = 0; m < 1 << n; m++) values[m] = v(m);
  const fact = [1];
  for (let k = 1; k <= n; k++) fact.push(fact[k - 1]! * k);
  const phi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < 1 << n; m++) {
      if (m & (1 << i)) continue;
      let s = 0;
      for (let b = m; b; b &= b - 1) s++;
      phi[i] = phi[i]! + ((fact[s]! * fact[n - s - 1]!) / fact[n]!) * (values[m | (1 << i)]! - values[m]!);
    }
  }
  return phi;
}

/**
 * v(S) of path-dependent TreeSHAP, written from its definition: the expected output of the trees given the
 * features in S, where a split on a feature outside S averages its children by their share of the covers.
 */
export function coalitionValue(trees: readonly CoveredTree[], x: ArrayLike<number>, mask: number, scale: number, constant: number): number {
  const at = (t: CoveredTree, i: number): number => {
    const f = t.feature[i]!;
    if (f < 0) return t.value[i]! * scale;
    const l = t.left[i]!;
    const rr = t.right[i]!;
    if (mask & (1 << f)) return at(t, x[f]! < t.threshold[i]! ? l : rr);
    const [sl, sr] = childShares(t.cover[l]!, t.cover[rr]!);
    return sl * at(t, l) + sr * at(t, rr);
  };
  let s = constant;
  for (const t of trees) s += at(t, 0);
  return s;
}
