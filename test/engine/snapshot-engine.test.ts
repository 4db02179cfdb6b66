// The engine in-process on a real replay with a tape far smaller than the file: the tape starts over many
// times and every bar close waits for its snapshot, yet the closed bars are exactly `mia features` output.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { ReplaySource } from '../../src/adapters/replay/replay-source.js';
import { SnapshotEngine, type FramePublisher } from '../../src/engine/snapshot-engine.js';
import { DEFAULT_FEATURE_CONFIG } from '../../src/model/bar-features.js';
import { decodeFrame } from '../../src/stream/frame-decoder.js';
import type { BarMessage, SnapshotMessage } from '../../src/stream/messages.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function collector(): FramePublisher & { bars: BarMessage[]; snapshots: SnapshotMessage[] } {
  const bars: BarMessage[] = [];
  const snapshots: SnapshotMessage[] = [];
  return {
    bars, snapshots,
    snapshot: (_s, _t, f) => void snapshots.push(decodeFrame(f.bytes) as SnapshotMessage),
    bar: (_t, f) => void bars.push(decodeFrame(f.bytes) as BarMessage),
    status: () => undefined,
    counters: () => ({ subscribers: 0, framesConflated: 0, closedSlow: 0, controlErrors: 0 }),
  };
}

describe.skipIf(!HAVE_DATA)('SnapshotEngine on the ESH4 trades (Databento)', () => {
  const file = dataFile('cme-esh4-mbo/esh4_20231225_trades.csv');

  test.each(['inline', 'pool'] as const)('kernels %s, a 256-trade tape: bars equal mia features, one snapshot per close', async (kernels) => {
    const source = await ReplaySource.open(file, { speed: 'max', tickSize: 0.25 });
    const out = collector();
    const engine = new SnapshotEngine(source, out, {
      config: { ...DEFAULT_FEATURE_CONFIG, timeframesSec: [60, 300] }, intervalMs: 100, threads: 2, kernels,
      footprint: true, staleMs: 5000, tapeCapacity: 256,
    }, pino({ level: 'silent' }));
    await engine.start();
    await engine.done;
    await engine.stop();
    expect(engine.sourceError).toBeUndefined();
    const reference = execFileSync(process.execPath, ['bin/mia.js', 'features', '--input', file, '--timeframe', '1m,5m', '--footprint'], { cwd: root })
      .toString().trim().split('\n').map((l) => JSON.parse(l) as { timeframe: string });
    const byTf = (tf: string): unknown[] => out.bars.filter((b) => b.bar.timeframe === tf).map((b) => b.bar);
    expect(byTf('1m')).toEqual(reference.filter((b) => b.timeframe === '1m'));
    expect(byTf('5m')).toEqual(reference.filter((b) => b.timeframe === '5m'));
    expect(out.snapshots.at(-1)!.tradesTotal).toBe(2973);
    const closes = new Set(out.snapshots.map((s) => s.frames[0]!.lastClosed?.ts).filter(Boolean));
    expect(closes.size).toBe(60);
    expect(engine.status().errors).toBe(0);
  });
});
