// The engine in-process on a real replay with a tape far smaller than the file: the tape starts over many
// times and every bar close waits for its snapshot, yet the closed bars are exactly `mia features` output.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { ReplaySource } from '../../src/adapters/replay/replay-source.js';
import { openTradeSource } from '../../src/data/open-trade-source.js';
import { SnapshotEngine } from '../../src/engine/snapshot-engine.js';
import { computeBarFeatures, type ReferenceTrade } from '../../src/kernels/reference/feature-reference.js';
import { isoNs } from '../../src/model/time.js';
import { DEFAULT_FEATURE_CONFIG } from '../../src/model/bar-features.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { collectFrames } from './frame-collector.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = { ...DEFAULT_FEATURE_CONFIG, timeframesSec: [60, 300], sizeDecimals: 0 };

/** The file's trades as the reference implementation reads them. */
async function referenceTrades(path: string): Promise<ReferenceTrade[]> {
  const out: ReferenceTrade[] = [];
  for await (const b of (await openTradeSource(path)).batches()) {
    for (let i = 0; i < b.length; i++) out.push({ tsNs: b.tsNs(i), price: b.price[i]!, size: b.size[i]!, side: b.side[i] as 0 | 1 | 2 });
  }
  return out;
}

describe.skipIf(!HAVE_DATA)('SnapshotEngine on the ESH4 trades (Databento)', () => {
  const file = dataFile('cme-esh4-mbo/esh4_20231225_trades.csv');

  test.each(['inline', 'pool'] as const)('kernels %s, a 256-trade tape: bars equal mia features, one snapshot per close', async (kernels) => {
    const source = await ReplaySource.open(file, { speed: 'max', tickSize: 0.25 });
    const engine = new SnapshotEngine(source, {
      config, intervalMs: 100, threads: 2, kernels,
      footprint: true, liveFootprintSec: [60, 300], staleMs: 5000, tapeCapacity: 256,
    }, pino({ level: 'silent' }));
    const out = collectFrames(engine);
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

    // Every snapshot's bar in progress, footprint included, is the reference's last bar over the trades it covers.
    const trades = await referenceTrades(file);
    let compared = 0;
    for (const snap of out.snapshots) {
      const prefix = trades.slice(0, snap.tradesTotal);
      for (const frame of snap.frames) {
        if (!frame.bar) continue;
        const ref = computeBarFeatures(prefix, { ...config, timeframeSec: frame.timeframeSec, withLevels: true }).at(-1)!;
        expect(frame.footprint.length).toBeGreaterThan(0);
        expect(frame.footprint, `snapshot ${snap.sequence} ${frame.timeframe}`).toEqual(ref.levels);
        expect([frame.bar.ts, frame.bar.volume, frame.bar.delta, frame.bar.poc]).toEqual([isoNs(ref.tsNs), ref.volume, ref.delta, ref.poc]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });
});
