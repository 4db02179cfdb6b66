import type { ControlReply, StreamMessage } from '../protocol/messages.js';
import { FrameDecodeError } from '../protocol/frame-decoder.js';

const CONTROL_TYPES = new Set(['subscribed', 'unsubscribed', 'pong', 'error']);
const MESSAGE_TYPES = new Set(['snapshot', 'bar', 'status', 'signal', 'risk', 'alert']);

/** A text frame's content: a control reply, or a topic message of a JSON subscriber. */
export type TextFrame = { kind: 'control'; reply: ControlReply } | { kind: 'message'; message: StreamMessage };

/**
 * Parses a text frame. Control replies come as text whatever the format, so the `type` field tells them
 * from topic messages. Throws FrameDecodeError (MIA_ERR_BAD_FRAME) for text that is neither.
 */
export function parseTextFrame(text: string): TextFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new FrameDecodeError(`text frame is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && CONTROL_TYPES.has(type)) return { kind: 'control', reply: value as ControlReply };
  if (typeof type === 'string' && MESSAGE_TYPES.has(type)) return { kind: 'message', message: value as StreamMessage };
  throw new FrameDecodeError(`text frame has no known type (got ${JSON.stringify(type)})`);
}
