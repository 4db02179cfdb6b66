import type { KernelExecutor } from '../kernels/executor.js';
import type { TimeframeSlot } from '../kernels/timeframes.js';
import { splitNs } from '../model/time.js';
import { TradeBatch } from '../model/trade-batch.js';
import type { EventBus } from './engine-events.js';
import type { SymbolFeed } from './symbol-feed.js';

/**
 * Runs the whole per-snapshot path on a synthetic 40-minute market in a spare region of the memory before
 * the source starts: kernels (in the pool), closed bars, and snapshot and bar events flagged `warm`, which the
 * stream publisher builds into frames (bars and footprints in progress) and stamps without sending, and the
 * decision pipeline skips. At ten snapshots a second V8 takes a long while to optimise every branch of this
 * code on its own; live frames then start on optimised code. (What remains is cache coldness: on this 2-vCPU VM
 * a frame builds in 9 µs in a loop and in ~90 µs when built every 20 ms.)
 */
export async function warmUp(f: SymbolFeed, executor: KernelExecutor, events: EventBus, mem: Uint8Array): Promise<void> {
  const st = f.state.region.state;
  const batch = new TradeBatch(64);
  const t0 = 1_700_000_040n * 1_000_000_000n; // any minute boundary: the market is synthetic
  let row = 20_000;
  let seed = 1;
  const snapshot = f.snapshotEvent;
  snapshot.warm = true;
  f.barEvent.warm = true;
  snapshot.quote = { tsNs: 0n, bid: 0, ask: 0, bidSize: 0, askSize: 0 };
  const onClosed = (at: number, slot: TimeframeSlot): void => events.emit('bar', f.closeBar(at, slot, mem));
  for (let k = 0; k < 40; k++) {
    batch.clear();
    for (let j = 0; j < 64; j++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      row += (seed % 3) - 1;
      const [hi, lo] = splitNs(t0 + BigInt(k * 64 + j) * 600_000_000n);
      batch.push(hi, lo, row * f.info.tickSize, 1 + (seed % 7), 1 + (seed % 2), 0);
    }
    f.writer.append(batch);
    for (;;) {
      const outcome = await executor.snapshot(st, f.state.region.snapshot, f.writer.length);
      f.reader.drainEntries(onClosed);
      if (outcome === 'ok') break;
    }
    for (let i = 0; i < 60; i++) events.emit('snapshot', snapshot);
  }
}
