import { randomUUID } from 'node:crypto';
import { headers, type JetStreamClient, type JetStreamManager, type MsgHdrs, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { ErrorCode } from '../common/errors.js';
import { isoNs } from '../model/time.js';
import { formatTimeframe } from '../model/timeframe-format.js';
import { ClosedBarOpen } from '../protocol/closed-bar-open.js';
import { FrameTime } from '../protocol/frame-time.js';
import type { BuiltFrame } from '../stream/frame-writer.js';
import type { FrameSink } from '../stream/stream-publisher.js';
import { isStreamFull, isWrongLastSequence } from './bus-streams.js';
import { BAR_TS_HEADER, BARS_STREAM, NODE_HEADER, statusSubject, subjectOf, symbolOfTopic } from './bus-subjects.js';

/** Who owns what: the lease keeper, or a test's stand-in. */
export interface Ownership {
  owns(symbol: string): boolean;
}

/** Bus publishing counters (/health `bus.published`). */
export interface BusSinkStats {
  /** Frames sent on plain subjects (snapshots, status). */
  plain: number;
  /** Messages JetStream acknowledged (closed bars, decisions, risk, alerts). */
  stored: number;
  /** Messages JetStream dropped as duplicates (a bar a new owner republished). */
  duplicates: number;
  /** Messages a full stream refused (MIA_ERR_BUS_STREAM_FULL). */
  streamFull: number;
  /** JetStream publish attempts that failed and were retried (NATS down, a timeout). */
  retries: number;
  /** Messages dropped because the queue to JetStream overflowed (a long NATS outage). */
  failed: number;
  /** Closed bars a node closed without the lease (its state kept after a lapse), published on takeover when the owner had not. */
  standbyBars: number;
  /** Closed bars published on takeover that the previous owner had not published. */
  caughtUp: number;
  /** Closed bars not published because the previous owner already had (ts at or before its last). */
  skippedAsPublished: number;
  /** Snapshots and decisions of a rebuild (older than its end) kept off the bus. */
  heldBack: number;
  /** Trades appends JetStream refused because another node appended since this node's last (MIA_ERR_BUS_TRADES_FENCED). */
  fenced: number;
}

/** A closed bar kept by a standby node: its open time and a copy of its frame. */
interface HeldBar {
  ts: string;
  bytes: Uint8Array;
}

/** A JetStream publish waiting its turn. */
interface Queued {
  subject: string;
  bytes: Uint8Array;
  msgID?: string;
  h?: MsgHdrs;
  /** A trades append: sent expecting the subject's last sequence to be this node's last (no other writer). */
  fenced?: boolean;
}

/** Most JetStream publishes queued (a NATS outage): beyond, the oldest is dropped and counted. */
const MAX_QUEUED = 100_000;

/** Most closed bars kept per topic while the lease has lapsed: several hours of 1m bars, far more than any takeover needs. */
const MAX_HELD_BARS = 512;

/**
 * The engine's frames on the bus as well as on the node's own stream server: snapshots and status on plain NATS
 * subjects (latest only), closed bars, decisions, the risk state and alerts on JetStream (replayable). Frames of
 * a symbol go out only while this node owns its lease. On taking a symbol over it reads the last bar of each of its
 * timeframes in the stream (the floor) and publishes only bars after it: those a rebuild closes again are skipped;
 * those a node closed while its lease had lapsed (it keeps its state) are kept and published if the owner had not.
 * No bar is lost or published twice. Each bar also carries a message id (topic and open time), so JetStream drops a
 * duplicate in its window whatever happens. Snapshots and decisions of a rebuild stay off the bus ({@link holdBackAll}).
 */
export class BusSink implements FrameSink {
  private readonly inner: FrameSink;
  private readonly nc: NatsConnection;
  private readonly js: JetStreamClient;
  private readonly jsm: JetStreamManager;
  private readonly owner: Ownership;
  private readonly node: string;
  private readonly log: Logger;
  private readonly statusSubject: string;
  private readonly subjects = new Map<string, string>();
  /** Per bar topic: the open time of the last bar this node published or knows was published. */
  private readonly floor = new Map<string, string>();
  /** Per bar topic of a symbol not owned: closed bars not yet published by this node. */
  private readonly held = new Map<string, HeldBar[]>();
  private readonly counters: BusSinkStats = {
    plain: 0, stored: 0, duplicates: 0, streamFull: 0, retries: 0, failed: 0, standbyBars: 0, caughtUp: 0, skippedAsPublished: 0, heldBack: 0, fenced: 0,
  };
  /** Per trades subject: the sequence of its last message as this node knows it (read on takeover, then its acks). */
  private readonly tradeSeq = new Map<string, number>();
  /** Unique per process: trades message ids never collide with a previous run of the same node id. */
  private readonly incarnation = randomUUID();
  private appends = 0;
  /** Symbols whose snapshots and decisions stay off the bus until newer than a rebuild's end (undefined: all of them). */
  private readonly holdBack = new Map<string, bigint | undefined>();
  private readonly frameTime = new FrameTime();
  private readonly timeframes: string[];
  private readonly queue: Queued[] = [];
  /** Symbols taken over from another node whose next snapshot carries the Gap flag. */
  private readonly gaps = new Set<string>();
  private readonly open = new ClosedBarOpen();
  private pumping = false;
  private closed = false;

  /** `timeframesSec`: the timeframes the engine closes bars of (a takeover reads each one's last bar in the stream). */
  constructor(inner: FrameSink, nc: NatsConnection, jsm: JetStreamManager, owner: Ownership, node: string, log: Logger, timeframesSec: readonly number[] = []) {
    this.timeframes = timeframesSec.map(formatTimeframe);
    this.inner = inner;
    this.nc = nc;
    this.js = nc.jetstream();
    this.jsm = jsm;
    this.owner = owner;
    this.node = node;
    this.log = log;
    this.statusSubject = statusSubject(node);
    if (inner.warm) this.warm = (frame: BuiltFrame): void => inner.warm!(frame);
  }

  /** Engine warm-up: the node's own server only. */
  warm?(frame: BuiltFrame): void;

  /** The counters (a copy). */
  stats(): BusSinkStats {
    return { ...this.counters };
  }

  /** JetStream publishes queued or awaiting their acknowledgement. */
  get queued(): number {
    return this.queue.length;
  }

  private subject(topic: string): string {
    let s = this.subjects.get(topic);
    if (s === undefined) this.subjects.set(topic, (s = subjectOf(topic)));
    return s;
  }

  /** A snapshot: latest only, plain subject; the bytes are copied (the frame's buffer is reused by the next build). */
  snapshot(symbol: string, topic: string, frame: BuiltFrame): void {
    this.inner.snapshot(symbol, topic, frame);
    if (!this.owner.owns(symbol) || (this.holdBack.size > 0 && this.heldBack(symbol, frame.bytes))) return;
    this.nc.publish(this.subject(topic), frame.bytes.slice());
    this.counters.plain++;
    // This frame was built with the Gap flag (quality is read synchronously just before the build).
    if (this.gaps.size > 0) this.gaps.delete(symbol);
  }

  /** True while `symbol` was taken over from another node and no snapshot has gone out since (TradeTap's Gap flag). */
  gapPending(symbol: string): boolean {
    return this.gaps.size > 0 && this.gaps.has(symbol);
  }

  /** A closed bar: JetStream while owned, held for a takeover otherwise. */
  bar(topic: string, frame: BuiltFrame): void {
    this.inner.bar(topic, frame);
    const bytes = frame.bytes.slice();
    const ts = isoNs(this.open.tsNs(bytes));
    if (!this.owner.owns(symbolOfTopic(topic) ?? '')) {
      let list = this.held.get(topic);
      if (list === undefined) this.held.set(topic, (list = []));
      list.push({ ts, bytes });
      if (list.length > MAX_HELD_BARS) list.shift();
      this.counters.standbyBars++;
      return;
    }
    this.publishBar(topic, ts, bytes);
  }

  private publishBar(topic: string, ts: string, bytes: Uint8Array): void {
    const floor = this.floor.get(topic);
    if (floor !== undefined && ts <= floor) {
      this.counters.skippedAsPublished++;
      return;
    }
    this.floor.set(topic, ts);
    const h = headers();
    h.set(BAR_TS_HEADER, ts);
    h.set(NODE_HEADER, this.node);
    this.store(this.subject(topic), bytes, `${topic}@${ts}`, h);
  }

  /** Status frames: each node on its own subject. */
  status(frame: Uint8Array): void {
    this.inner.status(frame);
    this.nc.publish(this.statusSubject, frame.slice());
    this.counters.plain++;
  }

  /** Decisions (`signal.<SYMBOL>`, only while owned), the risk state and alerts: JetStream. */
  publish(topic: string, bytes: Uint8Array): void {
    this.inner.publish(topic, bytes);
    const symbol = symbolOfTopic(topic);
    if (symbol !== undefined && (!this.owner.owns(symbol) || (this.holdBack.size > 0 && this.heldBack(symbol, bytes)))) return;
    this.store(this.subject(topic), bytes.slice());
  }

  /** A takeover begins: `symbol`'s snapshots and decisions stay off the bus until {@link resumeAt}. */
  holdBackAll(symbol: string): void {
    this.holdBack.set(symbol, undefined);
  }

  /**
   * The rebuild is over: frames of `symbol` older than `tsNs` (built during it, and still in flight) stay off the
   * bus, so subscribers never see a symbol's time go back; the first one at or after it goes out, and the rest.
   */
  resumeAt(symbol: string, tsNs: bigint | undefined): void {
    if (tsNs === undefined) this.holdBack.delete(symbol);
    else this.holdBack.set(symbol, tsNs);
  }

  /** Whether a snapshot or decision frame of `symbol` is held back (a rebuild's); the first one newer ends it. */
  private heldBack(symbol: string, bytes: Uint8Array): boolean {
    if (!this.holdBack.has(symbol)) return false;
    const from = this.holdBack.get(symbol);
    const ts = from === undefined ? undefined : this.frameTime.tsNs(bytes);
    if (from === undefined || (ts !== undefined && ts < from)) {
      this.counters.heldBack++;
      return true;
    }
    this.holdBack.delete(symbol);
    return false;
  }

  /** The next snapshot of `symbol` carries the Gap flag (another node appended or published it last). */
  markGap(symbol: string): void {
    this.gaps.add(symbol);
  }

  /** After a takeover read the stream: this node's appends to `symbol`'s trades expect `lastSeq` as the subject's last. */
  fenceTrades(symbol: string, lastSeq: number): void {
    this.tradeSeq.set(this.subject(`trades.${symbol}`), lastSeq);
  }

  /** Appends packed raw trades of an owned symbol to `mia.trades.<SYMBOL>` (TradeTap). */
  appendTrades(symbol: string, bytes: Uint8Array): void {
    const h = headers();
    h.set(NODE_HEADER, this.node);
    this.store(this.subject(`trades.${symbol}`), bytes, `${this.incarnation}.${this.appends++}`, h, true);
  }

  /**
   * This node now owns `symbol`: finds each bar topic's last published bar in the stream and publishes the held
   * bars after it, in order; later bars at or before it are skipped.
   */
  async takeOver(symbol: string): Promise<void> {
    const topics = [...this.held.keys()].filter((t) => symbolOfTopic(t) === symbol);
    const known = [...this.floor.keys()].filter((t) => symbolOfTopic(t) === symbol);
    // Every timeframe this node closes bars of, held or not: a node that rebuilds has none yet, and must not
    // publish again the bars the dead owner had.
    const mine = this.timeframes.map((tf) => `bar.${symbol}.${tf}`);
    for (const topic of new Set([...mine, ...topics, ...known])) {
      const last = await this.jsm.streams.getMessage(BARS_STREAM.name, { last_by_subj: this.subject(topic) }).catch(() => null);
      const ts = last?.header.get(BAR_TS_HEADER) ?? '';
      const from = last?.header.get(NODE_HEADER) ?? '';
      // Another node published the symbol before: its snapshots stopped when it died, the next one says so.
      if (from !== '' && from !== this.node) this.gaps.add(symbol);
      if (ts !== '') this.floor.set(topic, ts);
      const list = this.held.get(topic) ?? [];
      this.held.set(topic, []);
      for (const b of list) {
        if (ts !== '' && b.ts <= ts) {
          this.counters.skippedAsPublished++;
          continue;
        }
        this.counters.caughtUp++;
        this.publishBar(topic, b.ts, b.bytes);
      }
    }
  }

  /** Resolves once the JetStream queue is empty (or `timeoutMs` passed). */
  async settle(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.queue.length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }

  /**
   * Queues a JetStream publish. One message is in flight at a time, retried until JetStream answers: order is
   * kept (a bar never overtakes the one before it, which the gateway would drop as old) and a NATS restart loses
   * nothing queued. The message id makes a retry whose first try was stored a counted duplicate, not a copy.
   */
  private store(subject: string, bytes: Uint8Array, msgID?: string, h?: MsgHdrs, fenced = false): void {
    if (this.queue.length >= MAX_QUEUED) {
      this.queue.shift();
      this.counters.failed++;
    }
    this.queue.push({ subject, bytes, ...(msgID !== undefined ? { msgID } : {}), ...(h ? { h } : {}), ...(fenced ? { fenced } : {}) });
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const q = this.queue[0]!;
        const expect = q.fenced ? { expect: { lastSubjectSequence: this.tradeSeq.get(q.subject) ?? 0 } } : {};
        try {
          const ack = await this.js.publish(q.subject, q.bytes, { ...(q.msgID !== undefined ? { msgID: q.msgID } : {}), ...(q.h ? { headers: q.h } : {}), ...expect, timeout: 2000 });
          if (ack.duplicate) this.counters.duplicates++;
          else this.counters.stored++;
          if (q.fenced) this.tradeSeq.set(q.subject, ack.seq);
          this.queue.shift();
        } catch (e) {
          if (q.fenced && isWrongLastSequence(e)) {
            // Another node appended to this symbol's trades since this node's last append: it is not the owner (a
            // lease that lapsed while this was queued). Its trades must not be interleaved with the owner's.
            this.queue.shift();
            if (this.counters.fenced++ === 0) this.log.error({ code: ErrorCode.BUS_TRADES_FENCED, subject: q.subject }, 'Trades append refused: another node appended to the symbol since (this node no longer owns it)');
            continue;
          }
          if (isStreamFull(e)) {
            this.queue.shift();
            if (this.counters.streamFull++ === 0) this.log.error({ code: ErrorCode.BUS_STREAM_FULL, subject: q.subject, err: String(e) }, 'A JetStream stream is full: messages refused (raise --bus-max-bytes or --bus-max-age-h)');
            continue;
          }
          if (this.counters.retries++ % 100 === 0) this.log.warn({ subject: q.subject, err: String(e), queued: this.queue.length }, 'JetStream publish failed: retrying');
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Stops retrying (shutdown); what is still queued is dropped. */
  close(): void {
    this.closed = true;
  }
}
