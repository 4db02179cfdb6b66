import { consumerOpts, type JetStreamClient, type JsMsg, type Msg, type NatsConnection, type Subscription } from 'nats';
import type { Logger } from 'pino';
import type { BuiltFrame } from '../stream/frame-writer.js';
import { ALERTS_STREAM, BAR_TS_HEADER, DECISIONS_STREAM, symbolOfTopic, topicOf } from './bus-subjects.js';
import { receivedFrame } from './received-frame.js';

/** Where the gateway hands what arrives from the bus: a stream server's publish side. */
export interface FeedTarget {
  snapshot(symbol: string, topic: string, frame: BuiltFrame): void;
  bar(topic: string, frame: BuiltFrame): void;
  status(frame: Uint8Array): void;
  publish(topic: string, bytes: Uint8Array): void;
}

/** What the gateway received (/health `bus.received`). */
export interface FeedStats {
  snapshots: number;
  bars: number;
  /** Closed bars dropped because one with the same or a later open time was already served on their topic. */
  duplicateBars: number;
  decisions: number;
  alerts: number;
  statuses: number;
}

/**
 * The gateway's side of the bus: plain subscriptions for snapshots and node statuses, and an ordered JetStream
 * consumer per stream (closed bars from the start of what the stream keeps, so GET /bars is complete; decisions
 * and alerts from now on). The NATS client resubscribes after a reconnect and ordered consumers recreate
 * themselves from the last sequence they delivered, so a NATS restart loses no closed bar. Topics seen for the
 * first time are added to `topics`, the set the stream server accepts subscriptions on.
 */
export class BusFeed {
  private readonly nc: NatsConnection;
  private readonly js: JetStreamClient;
  private readonly target: FeedTarget;
  private readonly topics: Set<string>;
  private readonly log: Logger;
  private readonly subs: Subscription[] = [];
  private readonly stops: (() => void)[] = [];
  private readonly lastBarTs = new Map<string, string>();
  private readonly counters: FeedStats = { snapshots: 0, bars: 0, duplicateBars: 0, decisions: 0, alerts: 0, statuses: 0 };

  constructor(nc: NatsConnection, target: FeedTarget, topics: Set<string>, log: Logger) {
    this.nc = nc;
    this.js = nc.jetstream();
    this.target = target;
    this.topics = topics;
    this.log = log;
  }

  /** The counters (a copy). */
  stats(): FeedStats {
    return { ...this.counters };
  }

  /** Subscribes and starts the consumers. */
  async start(): Promise<void> {
    this.subs.push(this.nc.subscribe('mia.snapshot.>', { callback: (err, m) => err ? undefined : this.onSnapshot(m) }));
    this.subs.push(this.nc.subscribe('mia.status.>', { callback: (err, m) => err ? undefined : this.onStatus(m) }));
    await this.consume('mia.bar.>', true, (m) => this.onBar(m));
    for (const subject of [...DECISIONS_STREAM.subjects, ...ALERTS_STREAM.subjects]) await this.consume(subject, false, (m) => this.onOther(m));
  }

  /** Stops the subscriptions and consumers. */
  stop(): void {
    for (const s of this.subs.splice(0)) s.unsubscribe();
    for (const f of this.stops.splice(0)) f();
  }

  /**
   * An ordered push consumer on the stream's subjects (the pull-based `consumers` API stalls on NATS 2.9): the
   * client checks sequences and heartbeats and recreates the consumer after a gap or a NATS restart, from the
   * last message it delivered.
   */
  private async consume(subject: string, all: boolean, each: (m: JsMsg) => void): Promise<void> {
    const opts = consumerOpts();
    opts.orderedConsumer();
    if (all) opts.deliverAll();
    else opts.deliverNew();
    const sub = await this.js.subscribe(subject, opts);
    this.stops.push(() => sub.unsubscribe());
    void (async () => {
      for await (const m of sub) {
        try {
          each(m);
        } catch (e) {
          this.log.error({ err: e, subject: m.subject }, 'Bus message not served');
        }
      }
    })();
  }

  private known(topic: string): void {
    if (!this.topics.has(topic)) this.topics.add(topic);
  }

  private onSnapshot(m: Msg): void {
    const topic = topicOf(m.subject);
    const symbol = topic !== undefined ? symbolOfTopic(topic) : undefined;
    if (topic === undefined || symbol === undefined) return;
    this.known(topic);
    this.counters.snapshots++;
    this.target.snapshot(symbol, topic, receivedFrame(m.data));
  }

  private onStatus(m: Msg): void {
    this.counters.statuses++;
    this.target.status(m.data);
  }

  private onBar(m: JsMsg): void {
    const topic = topicOf(m.subject);
    if (topic === undefined) return;
    const ts = m.headers?.get(BAR_TS_HEADER) ?? '';
    const last = this.lastBarTs.get(topic);
    // The nodes never store a bar twice; this guards subscribers against anything that would (a stream restored twice).
    if (ts !== '' && last !== undefined && ts <= last) {
      this.counters.duplicateBars++;
      return;
    }
    if (ts !== '') this.lastBarTs.set(topic, ts);
    this.known(topic);
    this.counters.bars++;
    this.target.bar(topic, receivedFrame(m.data));
  }

  private onOther(m: JsMsg): void {
    const topic = topicOf(m.subject);
    if (topic === undefined) return;
    this.known(topic);
    this.counters[topic === 'alert' ? 'alerts' : 'decisions']++;
    this.target.publish(topic, m.data);
  }
}
