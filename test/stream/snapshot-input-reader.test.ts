// The decision path reads frames in place (SnapshotInputReader) instead of decoding them to the JSON shape:
// on every frame of a real replay (ESH4, Databento) it gives the signals exactly the input the decoded frame
// gives, and the DecisionStage publishes the same decisions either way.
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { ReplaySource } from '../../src/adapters/replay/replay-source.js';
import { DecisionStage, type TopicPublisher } from '../../src/engine/decision-stage.js';
import { SnapshotEngine, type FramePublisher } from '../../src/engine/snapshot-engine.js';
import { DEFAULT_FEATURE_CONFIG } from '../../src/model/bar-features.js';
import { readBar } from '../../src/signals/bar-input.js';
import { snapshotInputOf } from '../../src/signals/snapshot-input.js';
import { decodeFrame, FrameDecodeError } from '../../src/protocol/frame-decoder.js';
import type { BuiltFrame } from '../../src/stream/frame-writer.js';
import type { BarMessage, DecisionMessage, SnapshotMessage } from '../../src/protocol/messages.js';
import { SnapshotInputReader } from '../../src/stream/snapshot-input-reader.js';
import { dataFile } from '../real-data/data-dir.js';

const log = pino({ level: 'silent' });

/** Every snapshot and closed-bar frame of a replay of the file, in publish order (bytes copied). */
async function replayFrames(file: string): Promise<{ kind: 'snapshot' | 'bar'; symbol: string; frame: BuiltFrame }[]> {
  const out: { kind: 'snapshot' | 'bar'; symbol: string; frame: BuiltFrame }[] = [];
  const copy = (f: BuiltFrame): BuiltFrame => ({ bytes: f.bytes.slice(), publishedAt: f.publishedAt });
  const collector: FramePublisher = {
    snapshot: (symbol, _t, f) => void out.push({ kind: 'snapshot', symbol, frame: copy(f) }),
    bar: (_t, f) => void out.push({ kind: 'bar', symbol: '', frame: copy(f) }),
    status: () => undefined,
    counters: () => ({ subscribers: 0, framesConflated: 0, closedSlow: 0, controlErrors: 0 }),
  };
  const source = await ReplaySource.open(file, { speed: 'max', tickSize: 0.25, publishAs: 'ESH4' });
  const engine = new SnapshotEngine(source, collector, {
    config: DEFAULT_FEATURE_CONFIG, intervalMs: 1, staleMs: 1e12, threads: 1, kernels: 'inline', footprint: true, liveFootprintSec: [60],
  }, log);
  await engine.start();
  await engine.done;
  await engine.stop();
  return out;
}

describe('SnapshotInputReader on a real replay (ESH4 trades, Databento)', async () => {
  const frames = await replayFrames(dataFile('cme-esh4-mbo/esh4_20231225_trades.csv'));

  test('every snapshot and closed bar reads as its decoded frame does', () => {
    const reader = new SnapshotInputReader();
    let snapshots = 0;
    let bars = 0;
    let inProgress = 0;
    for (const { frame } of frames) {
      const r = reader.read(frame.bytes)!;
      const m = decodeFrame(frame.bytes);
      if (m.type === 'snapshot') {
        expect(r.kind).toBe('snapshot');
        if (r.kind !== 'snapshot') continue;
        expect(r.input).toEqual(snapshotInputOf(m));
        expect([r.sequence, r.tsNs.toString(), r.publishedUs]).toEqual([m.sequence, m.tsNs, m.stages.publishedUs]);
        snapshots++;
        inProgress += r.input.frames.filter((f) => f.close !== null && f.lastClosed !== null).length;
      } else if (m.type === 'bar') {
        expect(r).toEqual({ kind: 'bar', symbol: m.symbol, bar: readBar(m.bar) });
        bars++;
      }
    }
    // A snapshot at each of the 60 one-minute closes (and the last); frames with a bar in progress and a last close.
    expect(bars).toBeGreaterThanOrEqual(60);
    expect(snapshots).toBeGreaterThanOrEqual(60);
    expect(inProgress).toBeGreaterThan(100);
  });

  test('the DecisionStage publishes the same decisions from frames as from decoded messages', () => {
    const published = (): { out: DecisionMessage[]; publisher: TopicPublisher } => {
      const out: DecisionMessage[] = [];
      return {
        out,
        publisher: {
          snapshot: () => undefined, bar: () => undefined, status: () => undefined,
          publish: (_t, b) => {
            const m = decodeFrame(b);
            if (m.type === 'signal') out.push({ ...m, publishedUs: 0 });
          },
          counters: () => ({ subscribers: 0, framesConflated: 0, closedSlow: 0, controlErrors: 0 }),
        },
      };
    };
    const a = published();
    const b = published();
    const options = { startingBalance: 25_000, winProbability: 0.5, symbols: ['ESH4'] };
    const fromFrames = new DecisionStage(a.publisher, options, log);
    const fromDecoded = new DecisionStage(b.publisher, options, log);
    for (const { kind, symbol, frame } of frames) {
      if (kind === 'snapshot') {
        fromFrames.snapshot(symbol, `snapshot.${symbol}`, frame);
        fromDecoded.onSnapshot(decodeFrame(frame.bytes) as SnapshotMessage);
      } else {
        fromFrames.bar('', frame);
        const m = decodeFrame(frame.bytes) as BarMessage;
        fromDecoded.onBar(m);
      }
    }
    expect(a.out.length).toBeGreaterThanOrEqual(60);
    expect(a.out.some((d) => d.features.momentum_flow !== null && d.features.volume_profile !== null)).toBe(true);
    expect(a.out).toEqual(b.out);
    expect(fromFrames.health().counts.errors).toBe(0);
  });

  test('bytes that are not a frame are refused with MIA_ERR_BAD_FRAME', () => {
    expect(() => new SnapshotInputReader().read(new Uint8Array(16))).toThrow(FrameDecodeError);
  });
});
