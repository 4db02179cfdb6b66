/**
 * How stream topics map onto NATS subjects and JetStream streams (docs/stream.md "Scale out on NATS").
 * A topic `bar.ES.1m` travels as `mia.bar.ES.1m`: the same dotted name under the `mia.` prefix, so one
 * wildcard (`mia.bar.>`) covers a kind for every symbol.
 */

/** Prefix of every subject MIA publishes. */
export const SUBJECT_PREFIX = 'mia.';

/** A JetStream stream MIA keeps, with the subjects it captures. */
export interface BusStreamSpec {
  name: string;
  subjects: string[];
}

/** Closed bars: replayable, so a gateway that starts late (or reconnects) serves GET /bars and misses none. */
export const BARS_STREAM: BusStreamSpec = { name: 'MIA_BARS', subjects: ['mia.bar.>'] };
/** Decisions, the risk state and fills: the audit trail of what the nodes decided. */
export const DECISIONS_STREAM: BusStreamSpec = { name: 'MIA_DECISIONS', subjects: ['mia.signal.>', 'mia.risk', 'mia.fill.>'] };
/** Alerts of every node. */
export const ALERTS_STREAM: BusStreamSpec = { name: 'MIA_ALERTS', subjects: ['mia.alert'] };
/** Raw trades each owner ingests, per symbol (`mia.trades.ES`). */
export const TRADES_STREAM: BusStreamSpec = { name: 'MIA_TRADES', subjects: ['mia.trades.>'] };

/** Every stream MIA creates. */
export const ALL_STREAMS: readonly BusStreamSpec[] = [BARS_STREAM, DECISIONS_STREAM, ALERTS_STREAM, TRADES_STREAM];

/** The key-value bucket of symbol leases: key = symbol, value = the owning node's id. */
export const OWNERS_BUCKET = 'mia_owners';

/** Header carrying a closed bar's open time (ISO), so a new owner finds the last published bar without decoding it. */
export const BAR_TS_HEADER = 'Mia-Bar-Ts';

/** Header naming the node that published a message. */
export const NODE_HEADER = 'Mia-Node';

/** The subject of a stream topic. */
export function subjectOf(topic: string): string {
  return SUBJECT_PREFIX + topic;
}

/** The topic of a subject, or undefined when the subject is not one of MIA's. */
export function topicOf(subject: string): string | undefined {
  return subject.startsWith(SUBJECT_PREFIX) ? subject.slice(SUBJECT_PREFIX.length) : undefined;
}

/** Status frames travel per node (`mia.status.<node>`): a gateway forwards each on its one `status` topic. */
export function statusSubject(node: string): string {
  return `mia.status.${node}`;
}

/** The symbol a topic belongs to (`snapshot.ES`, `bar.ES.1m`, `signal.ES` → ES), or undefined for `status`, `risk`, `alert`. */
export function symbolOfTopic(topic: string): string | undefined {
  const parts = topic.split('.');
  return parts.length >= 2 && (parts[0] === 'snapshot' || parts[0] === 'bar' || parts[0] === 'signal') ? parts[1] : undefined;
}

/** A node id usable as one subject token (letters, digits, `-`, `_`). */
export function isNodeId(text: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(text);
}
