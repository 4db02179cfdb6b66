/**
 * Render durations (ms, performance.now() around each render) in a fixed ring of the last `capacity`, for
 * `__mia.stats()` and the health view.
 */
export class RenderStats {
  private readonly ms: Float64Array;
  private head = 0;
  private n = 0;
  /** Renders done since the page loaded. */
  renders = 0;

  constructor(capacity: number) {
    this.ms = new Float64Array(capacity);
  }

  add(ms: number): void {
    this.ms[this.head] = ms;
    this.head = (this.head + 1) % this.ms.length;
    this.n = Math.min(this.n + 1, this.ms.length);
    this.renders++;
  }

  /** The kept durations, oldest first. */
  samples(): number[] {
    const cap = this.ms.length;
    return Array.from({ length: this.n }, (_, i) => this.ms[(this.head - this.n + i + cap) % cap]!);
  }

  /** Median, 99th percentile and maximum of the kept durations; null before the first render. */
  summary(): { n: number; p50: number; p99: number; max: number } | null {
    if (this.n === 0) return null;
    const s = this.samples().sort((a, b) => a - b);
    const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
    return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1]! };
  }
}
