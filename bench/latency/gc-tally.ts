// The server's garbage collections over the measuring window, from `node --trace-gc-nvp` on its stdout: counts,
// pause totals and bytes allocated do not depend on how busy the shared machine is, where latency percentiles do.
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

/** One thread's (V8 isolate's) collections between two marks. */
export interface GcFigures {
  scavenges: number;
  /** Mark-sweep/compact collections (full and incremental finalisations). */
  fullCollections: number;
  /** Sum of the pauses, ms. */
  pauseMs: number;
  /** Longest pause since the mark, ms. */
  maxPauseMs: number;
  /** Bytes the thread allocated (V8's `allocated=`, counted since the collection before). */
  allocatedBytes: number;
}

const NVP = /^\[\d+:(0x[0-9a-f]+)\]\s+\d+ ms: pause=([\d.]+) .*?gc=(\w+) .*?allocated=(\d+)/;

/**
 * Reads the server's `--trace-gc-nvp` lines and keeps running totals per isolate. The main thread is the
 * isolate of the first line: `mia serve` collects while loading its modules, before any worker exists.
 */
export class GcTally {
  private readonly totals = new Map<string, GcFigures>();
  private main: string | undefined;
  private marked = new Map<string, GcFigures>();

  constructor(stdout: Readable) {
    createInterface({ input: stdout }).on('line', (line) => {
      const m = NVP.exec(line);
      if (!m) return;
      const iso = m[1]!;
      this.main ??= iso;
      const t = this.totals.get(iso) ?? { scavenges: 0, fullCollections: 0, pauseMs: 0, maxPauseMs: 0, allocatedBytes: 0 };
      const pause = Number(m[2]);
      if (m[3] === 's') t.scavenges++;
      else t.fullCollections++;
      t.pauseMs += pause;
      // Reset at each mark: the longest pause is the window's.
      t.maxPauseMs = Math.max(t.maxPauseMs, pause);
      // V8 prints an unsigned count that wraps when a worker's counter goes back (seen at a worker's start): skip those.
      const allocated = Number(m[4]);
      if (allocated < 2 ** 48) t.allocatedBytes += allocated;
      this.totals.set(iso, t);
    });
  }

  /** Starts a window: the figures returned by `since` count from here. */
  mark(): void {
    this.marked = new Map([...this.totals].map(([k, v]) => [k, { ...v }]));
    for (const t of this.totals.values()) t.maxPauseMs = 0;
  }

  /** The main thread's collections since `mark`, and the other threads' (kernel workers) summed. */
  since(): { main: GcFigures; workers: GcFigures } {
    const zero = (): GcFigures => ({ scavenges: 0, fullCollections: 0, pauseMs: 0, maxPauseMs: 0, allocatedBytes: 0 });
    const main = zero();
    const workers = zero();
    for (const [iso, t] of this.totals) {
      const m = this.marked.get(iso) ?? zero();
      const into = iso === this.main ? main : workers;
      into.scavenges += t.scavenges - m.scavenges;
      into.fullCollections += t.fullCollections - m.fullCollections;
      into.pauseMs += t.pauseMs - m.pauseMs;
      into.maxPauseMs = Math.max(into.maxPauseMs, t.maxPauseMs);
      into.allocatedBytes += t.allocatedBytes - m.allocatedBytes;
    }
    return { main, workers };
  }
}
