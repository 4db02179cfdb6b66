import { consumerOpts, type JetStreamClient, type JetStreamManager } from 'nats';
import { NODE_HEADER, subjectOf, TRADES_STREAM } from './bus-subjects.js';
import { PackedTrades } from './packed-trades.js';

/** What a symbol's trades stream holds, as a new owner reads it. */
export interface TradeHistory {
  /** Packed trade records: the whole subject (a rebuild), or only its last message (a node that kept its state). */
  records: PackedTrades;
  /** Stream sequence of the subject's last message (0: none), the base of the new owner's fenced appends. */
  lastSeq: number;
  /** Node that appended the last message ('' when none or unnamed). */
  lastNode: string;
  /** Messages read. */
  messages: number;
}

/** No cap on what a rebuild reads: the stream's own limits (--bus-max-bytes) bound it. */
const UNCAPPED = Number.MAX_SAFE_INTEGER;

/**
 * Reads `mia.trades.<symbol>`: its last message, then (`whole`) every message from the first up to that one with
 * an ordered consumer, in stream order. Appends after the read started belong to nobody (this node owns the symbol
 * now and has not appended yet), so the last message read first is where the read stops.
 */
export async function readTradeHistory(js: JetStreamClient, jsm: JetStreamManager, symbol: string, whole: boolean): Promise<TradeHistory> {
  const subject = subjectOf(`trades.${symbol}`);
  const records = new PackedTrades(UNCAPPED, 8192);
  const last = await jsm.streams.getMessage(TRADES_STREAM.name, { last_by_subj: subject }).catch((e: unknown) => {
    if (isNotFound(e)) return null;
    throw e;
  });
  if (last === null) return { records, lastSeq: 0, lastNode: '', messages: 0 };
  const lastNode = last.header?.get(NODE_HEADER) ?? '';
  if (!whole) {
    records.pushBytes(last.data);
    return { records, lastSeq: last.seq, lastNode, messages: 1 };
  }
  const opts = consumerOpts();
  opts.orderedConsumer();
  opts.deliverAll();
  const sub = await js.subscribe(subject, opts);
  let messages = 0;
  try {
    for await (const m of sub) {
      records.pushBytes(m.data);
      messages++;
      // Up to the last message seen before the read; or the end of what the stream holds, should that message have
      // gone meanwhile (its age limit): never a wait for a message that will not come.
      if (m.seq >= last.seq || m.info.pending === 0) break;
    }
  } finally {
    sub.unsubscribe();
  }
  return { records, lastSeq: last.seq, lastNode, messages };
}

/** JetStream's "no message found" (404) for a subject that has none. */
function isNotFound(e: unknown): boolean {
  const api = (e as { api_error?: { code?: number; err_code?: number } } | null)?.api_error;
  return api?.code === 404 || api?.err_code === 10037 || /no message found/i.test(e instanceof Error ? e.message : String(e));
}
