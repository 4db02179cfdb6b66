import type { ControlReply, StreamMessage } from '../protocol/messages.js';
import { MAX_CONTROL_BYTES, MAX_TOPICS } from '../protocol/control-protocol.js';
import { FrameDecodeError } from '../protocol/frame-decoder.js';

const CONTROL_TYPES = new Set(['subscribed', 'unsubscribed', 'pong', 'error']);
const MESSAGE_TYPES = new Set(['snapshot', 'bar', 'status', 'signal', 'risk', 'alert']);

/**
 * The JSON control messages that `op` over `topics` takes, each within `maxBytes` and `maxTopics` (the
 * server's limits by default) so that a long topic list (a re-subscribe after reconnecting) is never
 * refused. No message for no topics; a single topic longer than `maxBytes` still goes, alone.
 */
export function controlMessages(op: 'subscribe' | 'unsubscribe', topics: readonly string[], maxBytes = MAX_CONTROL_BYTES,
  maxTopics = MAX_TOPICS): string[] {
  const out: string[] = [];
  // JSON.stringify puts no spaces in: a message is the empty one plus each topic's JSON string, comma-separated.
  const emptyBytes = Buffer.byteLength(JSON.stringify({ op, topics: [] }));
  let batch: string[] = [];
  let bytes = emptyBytes;
  for (const topic of topics) {
    const topicBytes = Buffer.byteLength(JSON.stringify(topic));
    if (batch.length > 0 && (batch.length >= maxTopics || bytes + 1 + topicBytes > maxBytes)) {
      out.push(JSON.stringify({ op, topics: batch }));
      batch = [];
      bytes = emptyBytes;
    }
    bytes += batch.length > 0 ? 1 + topicBytes : topicBytes;
    batch.push(topic);
  }
  if (batch.length > 0) out.push(JSON.stringify({ op, topics: batch }));
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
