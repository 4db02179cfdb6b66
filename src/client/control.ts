import type { ControlReply, StreamMessage } from '../stream/messages.js';
import { FrameDecodeError } from '../stream/frame-decoder.js';

/** The server closes a connection whose control message is larger than this (docs/stream.md, 1009). */
export const MAX_CONTROL_BYTES = 4096;

const CONTROL_TYPES = new Set(['subscribed', 'unsubscribed', 'pong', 'error']);
const MESSAGE_TYPES = new Set(['snapshot', 'bar', 'status', 'signal', 'risk']);

/**
 * The JSON control messages that `op` over `topics` takes, each under `maxBytes` so that a long topic
 * list (a re-subscribe after reconnecting) never trips the server's size limit. No message for no topics.
 */
export function controlMessages(op: 'subscribe' | 'unsubscribe', topics: readonly string[], maxBytes = MAX_CONTROL_BYTES): string[] {
  const out: string[] = [];
  let batch: string[] = [];
  const encode = (t: string[]): string => JSON.stringify({ op, topics: t });
  for (const topic of topics) {
    const next = [...batch, topic];
    if (batch.length > 0 && Buffer.byteLength(encode(next)) > maxBytes) {
      out.push(encode(batch));
      batch = [topic];
    } else {
      batch = next;
    }
  }
  if (batch.length > 0) out.push(encode(batch));
  return out;
}

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
