import { ErrorCode } from '../common/errors.js';
import type { ControlReply } from './messages.js';

/** A parsed control message. */
export type ControlRequest =
  | { op: 'subscribe' | 'unsubscribe'; topics: string[] }
  | { op: 'ping' };

/** Most topics one subscribe or unsubscribe may list; parseControl refuses more (MIA_ERR_BAD_CONTROL). */
export const MAX_TOPICS = 256;

/**
 * Default of the largest control message in bytes (`mia serve --max-message-bytes`); the server closes a
 * connection that sends a larger one with `StreamClose.MESSAGE_TOO_BIG` (1009, docs/stream.md).
 */
export const MAX_CONTROL_BYTES = 4096;

/** Parses one control message; returns the request or the error reply to send back. */
export function parseControl(text: string): ControlRequest | Extract<ControlReply, { type: 'error' }> {
  const bad = (message: string): Extract<ControlReply, { type: 'error' }> => ({ type: 'error', code: ErrorCode.BAD_CONTROL, message });
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return bad('control message is not JSON');
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return bad('control message must be a JSON object');
  const { op, topics } = msg as { op?: unknown; topics?: unknown };
  if (op === 'ping') return { op };
  if (op !== 'subscribe' && op !== 'unsubscribe') return bad(`unknown op ${JSON.stringify(op ?? null)}: use subscribe, unsubscribe or ping`);
  if (!Array.isArray(topics) || !topics.every((t) => typeof t === 'string')) return bad(`${op} needs "topics": a list of strings`);
  if (topics.length > MAX_TOPICS) return bad(`at most ${MAX_TOPICS} topics per message`);
  return { op, topics: topics as string[] };
}

/** Splits topics into those the engine publishes and the others. */
export function partitionTopics(topics: readonly string[], known: ReadonlySet<string>): { known: string[]; unknown: string[] } {
  const k: string[] = [];
  const u: string[] = [];
  for (const t of topics) (known.has(t) ? k : u).push(t);
  return { known: k, unknown: u };
}

const encoder = new TextEncoder();
const byteLength = (text: string): number => encoder.encode(text).length;

/**
 * The JSON control messages that `op` over `topics` takes, each within `maxBytes` and `maxTopics` (the
 * server's limits by default) so that a long topic list (a re-subscribe after reconnecting) is never
 * refused. No message for no topics; a single topic longer than `maxBytes` still goes, alone. Measured with
 * TextEncoder, so the client and the browser page share it.
 */
export function controlMessages(op: 'subscribe' | 'unsubscribe', topics: readonly string[], maxBytes = MAX_CONTROL_BYTES,
  maxTopics = MAX_TOPICS): string[] {
  const out: string[] = [];
  // JSON.stringify puts no spaces in: a message is the empty one plus each topic's JSON string, comma-separated.
  const emptyBytes = byteLength(JSON.stringify({ op, topics: [] }));
  let batch: string[] = [];
  let bytes = emptyBytes;
  for (const topic of topics) {
    const topicBytes = byteLength(JSON.stringify(topic));
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
