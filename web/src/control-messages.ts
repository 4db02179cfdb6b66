import { MAX_CONTROL_BYTES, MAX_TOPICS } from '../../src/protocol/control-protocol.js';

const encoder = new TextEncoder();
const byteLength = (text: string): number => encoder.encode(text).length;

/**
 * The JSON control messages (docs/stream.md) that `op` over `topics` takes, each within the server's limits
 * (`MAX_CONTROL_BYTES`, `MAX_TOPICS`), so a long re-subscribe is never refused. The same batching as
 * src/client/control.ts, which measures with Node's Buffer and so cannot run in a page.
 */
export function controlMessages(op: 'subscribe' | 'unsubscribe', topics: readonly string[], maxBytes = MAX_CONTROL_BYTES,
  maxTopics = MAX_TOPICS): string[] {
  const out: string[] = [];
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
