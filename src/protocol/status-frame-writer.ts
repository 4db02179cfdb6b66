import * as flatbuffers from 'flatbuffers';
import { ContentHash } from './generated/mia/content-hash.js';
import { Frame } from './generated/mia/frame.js';
import { Payload } from './generated/mia/payload.js';
import { Status } from './generated/mia/status.js';
import type { StatusMessage } from './messages.js';

/** Builds `Status` frames from the status message shape; one builder reused: a frame is valid until the next build. */
export class StatusFrameWriter {
  private readonly b = new flatbuffers.Builder(1024);

  /** A Status frame on topic `status`. */
  status(s: Omit<StatusMessage, 'type' | 'topic'>): Uint8Array {
    const b = this.b;
    b.clear();
    const topic = b.createString('status');
    const source = b.createString(s.source);
    const state = b.createString(s.sourceState);
    const detail = s.sourceDetail ? b.createString(JSON.stringify(s.sourceDetail)) : 0;
    const hashes = Status.createContentHashesVector(b, s.contentHashes.map((h) => {
      const symbol = b.createString(h.symbol);
      const sha = b.createString(h.sha256);
      return ContentHash.createContentHash(b, symbol, sha, BigInt(h.snapshots), BigInt(h.bars));
    }));
    Status.startStatus(b);
    Status.addUptimeSec(b, s.uptimeSec);
    Status.addSource(b, source);
    Status.addSourceState(b, state);
    Status.addFeedLagMs(b, s.feedLagMs);
    Status.addPoolInFlight(b, s.poolInFlight);
    Status.addPoolTasks(b, BigInt(s.poolTasks));
    Status.addTradesTotal(b, BigInt(s.tradesTotal));
    Status.addSnapshotsTotal(b, BigInt(s.snapshotsTotal));
    Status.addBarsTotal(b, BigInt(s.barsTotal));
    Status.addSubscribers(b, s.subscribers);
    Status.addFramesConflated(b, BigInt(s.framesConflated));
    Status.addClosedSlow(b, BigInt(s.closedSlow));
    Status.addControlErrors(b, BigInt(s.controlErrors));
    Status.addFinal(b, s.final);
    Status.addErrors(b, BigInt(s.errors));
    Status.addSourceConnected(b, s.sourceConnected);
    if (detail) Status.addSourceDetail(b, detail);
    Status.addContentHashes(b, hashes);
    Frame.finishFrameBuffer(b, Frame.createFrame(b, topic, Payload.Status, Status.endStatus(b)));
    return b.asUint8Array();
  }
}
