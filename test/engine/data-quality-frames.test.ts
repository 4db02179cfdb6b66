// The data-quality score on the wire: the engine computes it at every snapshot, the frame writer puts it in the
// Snapshot's `data_quality` and the decoder gives it back; a frame without the field (an older server) reads null.
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { ReplaySource } from '../../src/adapters/replay/replay-source.js';
import { SnapshotEngine } from '../../src/engine/snapshot-engine.js';
import { DEFAULT_FEATURE_CONFIG } from '../../src/model/bar-features.js';
import { decodeFrame } from '../../src/protocol/frame-decoder.js';
import type { SnapshotMessage } from '../../src/protocol/messages.js';
import { snapshotFrame } from '../client/stub-frames.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { collectFrames } from './frame-collector.js';

describe.skipIf(!HAVE_DATA)('data quality in snapshots (ESH4 trades, inline kernels)', () => {
  test('every side reported and no flag: the engine scores 1; any score round-trips through the frame', async () => {
    const source = await ReplaySource.open(dataFile('cme-esh4-mbo/esh4_20231225_trades.csv'), { speed: 'max', tickSize: 0.25 });
    const engine = new SnapshotEngine(source, {
      config: { ...DEFAULT_FEATURE_CONFIG, timeframesSec: [60] }, intervalMs: 100, threads: 2, kernels: 'inline',
      footprint: false, staleMs: 5000,
    }, pino({ level: 'silent' }));
    // Registered before the publisher: sees the engine's score, then puts a known one in its place.
    const computed: number[] = [];
    const sent: number[] = [];
    engine.events.on('snapshot', (e) => {
      if (e.warm) return;
      computed.push(e.dataQuality);
      e.dataQuality = Number(e.sequence % 9n) / 8 - 0.125;
      sent.push(e.dataQuality);
    });
    const out = collectFrames(engine);
    await engine.start();
    await engine.done;
    await engine.stop();
    expect(computed.length).toBeGreaterThan(60);
    // Databento's aggressor sides (B, A and the 44 lots of N crosses, reported as no aggressor): none inferred.
    expect(new Set(computed)).toEqual(new Set([1]));
    expect(out.snapshots.map((s) => s.dataQuality)).toEqual(sent);
    expect(engine.symbolStats()[0]!.dataQuality).toMatchObject({ score: 1, cleanShare: 1, knownSideShare: 1 });
  });
});

describe('data quality in a frame without the field', () => {
  test('reads null (unknown), never a number', () => {
    const m = decodeFrame(snapshotFrame('ES', 1, 1_700_000_000_000_000, 1_700_000_000_000_100)) as SnapshotMessage;
    expect(m.type).toBe('snapshot');
    expect(m.dataQuality).toBeNull();
  });
});
