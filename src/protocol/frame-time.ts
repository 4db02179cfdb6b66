import * as flatbuffers from 'flatbuffers';
import { Decision } from './generated/mia/decision.js';
import { Frame } from './generated/mia/frame.js';
import { Payload } from './generated/mia/payload.js';
import { Snapshot } from './generated/mia/snapshot.js';

/**
 * Reads the market time (ns) of a snapshot or decision frame in place, with accessors reused between calls: what
 * holds a symbol's frames back until they are newer than a point (a cluster node's rebuild) needs only that.
 */
export class FrameTime {
  private readonly frame = new Frame();
  private readonly snapshot = new Snapshot();
  private readonly decision = new Decision();

  /** The frame's `ts_ns`, or undefined for a frame that is neither a snapshot nor a decision. */
  tsNs(bytes: Uint8Array): bigint | undefined {
    const fb = Frame.getRootAsFrame(new flatbuffers.ByteBuffer(bytes), this.frame);
    const type = fb.payloadType();
    if (type === Payload.Snapshot) return (fb.payload(this.snapshot) as Snapshot).tsNs();
    if (type === Payload.Decision) return (fb.payload(this.decision) as Decision).tsNs();
    return undefined;
  }
}
