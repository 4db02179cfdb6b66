// The content hash stages its bytes and hashes them 64 KiB at a time: the digest must be that of the content
// hashed field by field (what metrics.json and the status recorded before), at every point of the stream.
import { createHash, type Hash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { ContentHasher } from '../../src/engine/content-hash.js';
import type { BarEvent, SnapshotEvent, TimeframeMemory } from '../../src/engine/engine-events.js';
import * as L from '../../src/kernels/layout.js';
import { MemoryPlan } from '../../src/kernels/memory-plan.js';

/** The content, one update per field, as the hash was first written (its definition). */
class FieldByField {
  readonly hash: Hash = createHash('sha256');
  private readonly mem: Uint8Array;
  private readonly view: DataView;

  constructor(mem: Uint8Array, view: DataView) {
    this.mem = mem;
    this.view = view;
  }

  snapshot(e: SnapshotEvent): void {
    const head = new DataView(new ArrayBuffer(61));
    head.setUint8(0, 0x53);
    head.setBigUint64(1, e.sequence, true);
    head.setBigInt64(9, e.tsNs, true);
    head.setBigUint64(17, e.tradesTotal, true);
    head.setUint32(25, e.quality, true);
    const q = e.quote;
    head.setFloat64(29, q ? q.bid : 0, true);
    head.setFloat64(37, q ? q.ask : 0, true);
    head.setFloat64(45, q ? q.bidSize : 0, true);
    head.setFloat64(53, q ? q.askSize : 0, true);
    this.hash.update(new Uint8Array(head.buffer));
    const sp = e.region + L.SNAP_SESSION;
    this.hash.update(this.mem.subarray(sp, sp + L.SP_HVN + 8 * Math.max(0, this.view.getInt32(sp + L.SP_N_HVN, true))));
    this.hash.update(this.mem.subarray(sp + L.SP_LVN, sp + L.SP_LVN + 8 * this.view.getInt32(sp + L.SP_N_LVN, true)));
    for (const tf of e.timeframes) {
      const at = e.region + L.SNAP_BARS + tf.block * L.BAR_BYTES;
      if (this.view.getBigInt64(at + L.BAR_TS_OPEN, true) !== 0n) this.hash.update(this.mem.subarray(at, at + L.BAR_BYTES));
      else this.hash.update(new Uint8Array(1));
    }
  }

  bar(e: BarEvent): void {
    const at = e.entry;
    const v = this.view;
    this.hash.update(new Uint8Array([0x42]));
    this.hash.update(this.mem.subarray(at, at + L.BAR_BYTES));
    this.hash.update(this.mem.subarray(at + L.RING_HVN, at + L.RING_HVN + 8 * v.getInt32(at + L.RING_N_HVN, true)));
    this.hash.update(this.mem.subarray(at + L.RING_LVN, at + L.RING_LVN + 8 * v.getInt32(at + L.RING_N_LVN, true)));
    const rows = v.getInt32(at + L.RING_FP_ROWS, true);
    for (let i = 0; i < rows; i++) {
      const r = (Number(v.getBigInt64(at + L.RING_FP_START, true)) + i) % e.footprintCap;
      const p = e.footprintBase + r * L.LEVEL_BYTES;
      this.hash.update(this.mem.subarray(p, p + L.LEVEL_BYTES));
    }
  }
}

describe('content hash', () => {
  test('staged and hashed 64 KiB at a time, the digest is the field-by-field one at every state', () => {
    const plan = new MemoryPlan({ symbols: 1, timeframes: 5, tapeCapacity: 16, gridRows: 64, ringBars: 8, footprintLevels: 5000 });
    const memory = plan.allocate();
    const region = plan.regions[0]!;
    const mem = new Uint8Array(memory.buffer);
    const view = new DataView(memory.buffer);
    const hasher = new ContentHasher('ES', memory, region.hashStage);
    const reference = new FieldByField(mem, view);
    let seed = 11;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const fill = (from: number, n: number): void => {
      for (let i = 0; i < n; i++) mem[from + i] = rand(256);
    };
    const timeframes = [0, 1, 2, 3, 4].map((block) => ({ block }) as TimeframeMemory);
    fill(region.footprint, 5000 * L.LEVEL_BYTES);
    let states = 0;
    for (let k = 0; k < 3000; k++) {
      if (rand(3) > 0) {
        // A snapshot: random content, node counts 0–16, some timeframes without a bar in progress.
        fill(region.snapshot, L.SNAP_BARS + 5 * L.BAR_BYTES);
        const sp = region.snapshot + L.SNAP_SESSION;
        view.setInt32(sp + L.SP_N_HVN, rand(17), true);
        view.setInt32(sp + L.SP_N_LVN, rand(17), true);
        for (let b = 0; b < 5; b++) if (rand(4) === 0) view.setBigInt64(region.snapshot + L.SNAP_BARS + b * L.BAR_BYTES + L.BAR_TS_OPEN, 0n, true);
        const e = {
          sequence: BigInt(k), tsNs: BigInt(k) * 60_000_000_000n, tradesTotal: BigInt(k * 50), quality: rand(8),
          quote: rand(2) ? { bid: 4700.25, ask: 4700.5, bidSize: rand(100), askSize: rand(100) } : undefined,
          region: region.snapshot, timeframes,
        } as unknown as SnapshotEvent;
        hasher.snapshot(e);
        reference.snapshot(e);
      } else {
        // A closed bar with up to ~2,500 footprint rows (runs longer than the stage), wrapping the ring.
        const entry = region.rings[rand(5)]! + rand(8) * L.RING_ENTRY_BYTES;
        fill(entry, L.RING_ENTRY_BYTES);
        view.setInt32(entry + L.RING_N_HVN, rand(5), true);
        view.setInt32(entry + L.RING_N_LVN, rand(5), true);
        const rows = rand(10) === 0 ? 1000 + rand(1500) : rand(40);
        view.setInt32(entry + L.RING_FP_ROWS, rows, true);
        view.setBigInt64(entry + L.RING_FP_START, BigInt(rand(20000)), true);
        fill(region.footprint + rand(4960) * L.LEVEL_BYTES, 40 * L.LEVEL_BYTES);
        const e = { entry, footprintBase: region.footprint, footprintCap: 5000 } as unknown as BarEvent;
        hasher.bar(e);
        reference.bar(e);
      }
      if (rand(50) === 0 || k === 2999) {
        expect(hasher.state().sha256).toBe(reference.hash.copy().digest('hex'));
        states++;
      }
    }
    expect(states).toBeGreaterThan(20);
    const end = hasher.state();
    expect([end.snapshots + end.bars]).toEqual([3000]);
  });
});
