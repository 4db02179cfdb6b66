// The decision path reads the kernels' output in shared memory (SignalInputReader) instead of the frames the
// publisher builds from it: on every snapshot and closed bar of a real replay (ESH4, Databento) it gives the
// signals exactly the input the decoded frame gives, and the DecisionPipeline decides the same either way.
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { ReplaySource } from '../../src/adapters/replay/replay-source.js';
import { DecisionPipeline } from '../../src/engine/decision-pipeline.js';
import { EventBus, type DecisionEvent } from '../../src/engine/engine-events.js';
import { SnapshotEngine } from '../../src/engine/snapshot-engine.js';
import { DEFAULT_FEATURE_CONFIG } from '../../src/model/bar-features.js';
import type { BarInput, SnapshotInput } from '../../src/model/signal-input.js';
import { qualityBits } from '../../src/protocol/frame-decoder.js';
import { readBar, snapshotInputOf } from '../../src/protocol/signal-input.js';
import { dataFile } from '../real-data/data-dir.js';
import { collectFrames, type Collected } from './frame-collector.js';

const log = pino({ level: 'silent' });

interface Replayed {
  frames: Collected;
  /** What the events gave the signals, in emit order. */
  inputs: Array<{ kind: 'snapshot'; input: SnapshotInput } | { kind: 'bar'; symbol: string; bar: BarInput }>;
  /** The decisions of a pipeline attached to the same engine. */
  decisions: DecisionEvent[];
}

/** A replay of the file with 1 ms snapshots (many with a bar in progress) and the 1m footprint in progress. */
async function replay(file: string): Promise<Replayed> {
  const source = await ReplaySource.open(file, { speed: 'max', tickSize: 0.25, publishAs: 'ESH4' });
  const engine = new SnapshotEngine(source, {
    config: DEFAULT_FEATURE_CONFIG, intervalMs: 1, staleMs: 1e12, threads: 1, kernels: 'inline', footprint: true, liveFootprintSec: [60],
  }, log);
  const frames = collectFrames(engine);
  const inputs: Replayed['inputs'] = [];
  // The warm-up's synthetic market is not published: skip it as the publisher does.
  engine.events.on('snapshot', (e) => void (e.warm || inputs.push({ kind: 'snapshot', input: e.input() })));
  engine.events.on('bar', (e) => void (e.warm || inputs.push({ kind: 'bar', symbol: e.symbol, bar: e.input() })));
  const decisions: DecisionEvent[] = [];
  new DecisionPipeline({ startingBalance: 25_000, winProbability: 0.5, symbols: ['ESH4'] }, log).attach(engine.events);
  engine.events.on('decision', (d) => void decisions.push(d));
  await engine.start();
  await engine.done;
  await engine.stop();
  return { frames, inputs, decisions };
}

describe('SignalInputReader on a real replay (ESH4 trades, Databento)', async () => {
  const r = await replay(dataFile('cme-esh4-mbo/esh4_20231225_trades.csv'));

  test('every snapshot and closed bar reads from memory as its decoded frame does', () => {
    const snaps = r.inputs.filter((x) => x.kind === 'snapshot');
    const bars = r.inputs.filter((x) => x.kind === 'bar');
    expect(snaps.map((x) => x.input)).toEqual(r.frames.snapshots.map((m) => snapshotInputOf(m)));
    expect(bars.map((x) => ({ symbol: x.symbol, bar: x.bar }))).toEqual(r.frames.bars.map((m) => ({ symbol: m.symbol, bar: readBar(m.bar) })));
    // A snapshot at each of the 60 one-minute closes (and between); frames with a bar in progress and a last close.
    expect(bars.length).toBeGreaterThanOrEqual(60);
    expect(snaps.length).toBeGreaterThanOrEqual(60);
    expect(snaps.flatMap((x) => x.input.frames).filter((f) => f.close !== null && f.lastClosed !== null).length).toBeGreaterThan(100);
  });

  test('the DecisionPipeline decides the same on the engine\'s events as on the decoded frames', () => {
    // Its own bus carries only what it emits: the decoded frames are handed to it directly.
    const bus = new EventBus();
    const fromFrames = new DecisionPipeline({ startingBalance: 25_000, winProbability: 0.5, symbols: ['ESH4'] }, log).attach(bus);
    const decided: DecisionEvent[] = [];
    bus.on('decision', (d) => void decided.push(d));
    // Frames in the order they were published: bars of a close, then its snapshot.
    let b = 0;
    let s = 0;
    for (const x of r.inputs) {
      if (x.kind === 'bar') {
        const m = r.frames.bars[b++]!;
        fromFrames.onBar(m.symbol, readBar(m.bar));
      } else {
        const m = r.frames.snapshots[s++]!;
        fromFrames.onSnapshot({ symbol: m.symbol, sequence: BigInt(m.sequence), tsNs: BigInt(m.tsNs), quality: qualityBits(m.quality), input: snapshotInputOf(m) });
      }
    }
    expect(r.decisions.length).toBeGreaterThanOrEqual(60);
    expect(r.decisions.some((d) => d.decision.features.momentum_flow !== null && d.decision.features.volume_profile !== null)).toBe(true);
    expect(decided).toEqual(r.decisions);
    expect(fromFrames.health().counts.errors).toBe(0);
  });
});
