import * as flatbuffers from 'flatbuffers';
import type { UnixNanos } from '../model/time.js';
import { ClosedBar } from './generated/mia/closed-bar.js';
import { Frame } from './generated/mia/frame.js';

/**
 * Reads a closed-bar frame's open time in place, with accessors reused between calls: what keeps and orders bars
 * (GET /bars's history, the bus's de-duplication) needs only that, not the bar decoded into objects.
 */
export class ClosedBarOpen {
  private readonly frame = new Frame();
  private readonly closedBar = new ClosedBar();

  /** The bar's open time, ns; `bytes` must be a ClosedBar frame. */
  tsNs(bytes: Uint8Array): UnixNanos {
    const fb = Frame.getRootAsFrame(new flatbuffers.ByteBuffer(bytes), this.frame);
    return (fb.payload(this.closedBar) as ClosedBar).bar()!.tsOpen();
  }
}
