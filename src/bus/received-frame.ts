import * as flatbuffers from 'flatbuffers';
import { ClosedBar } from '../protocol/generated/mia/closed-bar.js';
import { Frame } from '../protocol/generated/mia/frame.js';
import { Payload } from '../protocol/generated/mia/payload.js';
import { Snapshot } from '../protocol/generated/mia/snapshot.js';
import { CLOSED_BAR_T_PUBLISHED_SLOT, SNAPSHOT_T_PUBLISHED_SLOT, type BuiltFrame } from '../stream/frame-writer.js';

/**
 * A snapshot or closed-bar frame received from the bus, as the stream server takes it: the bytes and where
 * t_published sits, so the gateway stamps its own publish time as an engine does (-1 for other payloads or a
 * frame without the field).
 */
export function receivedFrame(bytes: Uint8Array): BuiltFrame {
  const bb = new flatbuffers.ByteBuffer(bytes);
  const frame = Frame.getRootAsFrame(bb);
  const type = frame.payloadType();
  if (type !== Payload.Snapshot && type !== Payload.ClosedBar) return { bytes, publishedAt: -1 };
  const payload = frame.payload(type === Payload.Snapshot ? new Snapshot() : new ClosedBar()) as Snapshot | ClosedBar | null;
  if (payload === null) return { bytes, publishedAt: -1 };
  const at = bb.__offset(payload.bb_pos, type === Payload.Snapshot ? SNAPSHOT_T_PUBLISHED_SLOT : CLOSED_BAR_T_PUBLISHED_SLOT);
  return { bytes, publishedAt: at === 0 ? -1 : payload.bb_pos + at };
}
