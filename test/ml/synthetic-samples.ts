// Labelled feature rows made here (no external data): a seeded linear congruential generator draws eight
// features in the signal ranges, and the label is a noisy threshold on two of them, so every model has
// something to learn and both classes occur.

/** Park–Miller minimal standard generator (a fixed, well-known sequence for a seed). */
export function parkMiller(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** `n` float32 feature rows and labels from `seed`. */
export function syntheticSamples(n: number, seed: number): { x: Float32Array[]; y: Uint8Array } {
  const r = parkMiller(seed);
  const x: Float32Array[] = [];
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const row = new Float32Array(8);
    for (let j = 0; j < 7; j++) row[j] = r() * 2 - 1;
    row[6] = r(); // volatility_regime in [0, 1]
    row[7] = r() < 0.5 ? 0.6 : 1; // time_factor
    x.push(row);
    y[i] = row[0]! + 0.6 * row[1]! + (r() - 0.5) * 1.2 > 0 ? 1 : 0;
  }
  return { x, y };
}
