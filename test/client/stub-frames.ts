// Binary frames for the client tests: status frames from the protocol's StatusFrameWriter; snapshots built with the
// generated FlatBuffers classes (the writer reads bars out of kernel memory, which these tests do not have).
import * as flatbuffers from 'flatbuffers';
import { FeatureFrame } from '../../src/protocol/generated/mia/feature-frame.js';
import { Frame } from '../../src/protocol/generated/mia/frame.js';
import { Payload } from '../../src/protocol/generated/mia/payload.js';
import { Snapshot } from '../../src/protocol/generated/mia/snapshot.js';
import { StatusFrameWriter } from '../../src/protocol/status-frame-writer.js';
import type { StatusMessage } from '../../src/protocol/messages.js';

/** A `status` frame carrying `s`, built by the server's own writer. */
export function statusFrame(s: Omit<StatusMessage, 'type' | 'topic'>): Uint8Array {
  return new StatusFrameWriter().status(s).slice();
}

/** Session facts of the one 1m timeframe a test snapshot may carry (no bars). */
export interface StubSession {
  poc: number;
  vwap: number;
  hvn: number[];
  lvn: number[];
}

/**
 * A `snapshot.<symbol>` frame: symbol, sequence, stage times (µs, stored as ns), and a 1m timeframe with
 * `session` when given. The HVN/LVN vectors are f64 vectors, which the generated accessors read through a
 * Float64Array: the case that depends on the frame's byte alignment.
 */
export function snapshotFrame(symbol: string, sequence: number, tickReceivedUs: number, publishedUs: number, session?: StubSession): Uint8Array {
  const b = new flatbuffers.Builder(256);
  const topic = b.createString(`snapshot.${symbol}`);
  const sym = b.createString(symbol);
  const tfs: number[] = [];
  if (session) {
    const hvn = FeatureFrame.createHvnVector(b, session.hvn);
    const lvn = FeatureFrame.createLvnVector(b, session.lvn);
    FeatureFrame.startFeatureFrame(b);
    FeatureFrame.addTimeframeSec(b, 60);
    FeatureFrame.addSessionPoc(b, session.poc);
    FeatureFrame.addVwap(b, session.vwap);
    FeatureFrame.addHvn(b, hvn);
    FeatureFrame.addLvn(b, lvn);
    tfs.push(FeatureFrame.endFeatureFrame(b));
  }
  const frames = Snapshot.createFramesVector(b, tfs);
  const ns = (us: number): bigint => BigInt(Math.round(us * 1000));
  Snapshot.startSnapshot(b);
  Snapshot.addSymbol(b, sym);
  Snapshot.addSequence(b, BigInt(sequence));
  Snapshot.addTsNs(b, 1_709_562_600_000_000_000n);
  Snapshot.addTickSize(b, 0.25);
  Snapshot.addFrames(b, frames);
  Snapshot.addTTickReceived(b, ns(tickReceivedUs));
  Snapshot.addTTapeCommitted(b, ns(tickReceivedUs + 1));
  Snapshot.addTKernelsDone(b, ns(tickReceivedUs + 2));
  Snapshot.addTFrameBuilt(b, ns(tickReceivedUs + 3));
  Snapshot.addTPublished(b, ns(publishedUs));
  Snapshot.addTradesTotal(b, 42n);
  const payload = Snapshot.endSnapshot(b);
  Frame.finishFrameBuffer(b, Frame.createFrame(b, topic, Payload.Snapshot, payload));
  return b.asUint8Array().slice();
}

/** The status the tests send. */
export const STATUS: Omit<StatusMessage, 'type' | 'topic'> = {
  uptimeSec: 12.5,
  source: 'sim',
  sourceState: 'running',
  feedLagMs: 3,
  poolInFlight: 1,
  poolTasks: 100,
  tradesTotal: 123_456,
  snapshotsTotal: 250,
  barsTotal: 10,
  subscribers: 1,
  framesConflated: 0,
  closedSlow: 0,
  controlErrors: 0,
  final: false,
  errors: 2,
  sourceConnected: true,
  sourceDetail: null,
  contentHashes: [{ symbol: 'ES', sha256: 'ab'.repeat(32), snapshots: 250, bars: 10 }],
};
