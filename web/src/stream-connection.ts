import { Backoff } from '../../src/common/backoff.js';
import { decodeFrame } from '../../src/protocol/frame-decoder.js';
import type { ControlReply, StreamMessage } from '../../src/protocol/messages.js';
import { CONTROL_PER_SEC, RECONNECT } from './config.js';
import { controlMessages } from '../../src/protocol/control-protocol.js';

/** What the page learns from its stream connection. */
export interface StreamEvents {
  /** A topic message, decoded by the project's own decoder (binary FlatBuffers frames). */
  message(m: StreamMessage): void;
  /** The connection opened (every wanted topic is re-subscribed at once) or closed (`retryMs`: next attempt in). */
  state(open: boolean, retryMs?: number): void;
  /** A control error or a frame that would not decode: shown, never thrown. */
  problem(text: string): void;
}

/** A subscribe or unsubscribe sent and not yet acknowledged: replies come in request order (docs/stream.md). */
interface InFlight {
  op: 'subscribe' | 'unsubscribe';
  topics: string[];
}

/** How a subscription ended up: acknowledged, refused by the server (unknown topic), or the connection closed first. */
export type SubscribeResult = 'ok' | 'refused' | 'closed';

interface Waiter {
  topics: readonly string[];
  resolve(r: SubscribeResult): void;
}

/**
 * The page's WebSocket to `/stream`: binary frames decoded with src/protocol's `decodeFrame`, the topics it
 * wants re-subscribed after every reconnect (the server keeps no subscription across connections), reconnection
 * with src/common's capped exponential backoff, and at most CONTROL_PER_SEC control messages a second (the
 * server closes a connection that sends more than 20).
 */
export class StreamConnection {
  private readonly url: string;
  private readonly events: StreamEvents;
  private readonly backoff = new Backoff(RECONNECT);
  private readonly wanted = new Set<string>();
  /** Topics the server acknowledged on this connection, and those it refused (unknown topic). */
  private readonly acked = new Set<string>();
  private readonly refused = new Set<string>();
  private inFlight: InFlight[] = [];
  private waiters: Waiter[] = [];
  private outbox: { text: string; req: InFlight }[] = [];
  private sentAtMs: number[] = [];
  private ws: WebSocket | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private healthyTimer: ReturnType<typeof setTimeout> | undefined;
  private closedByUser = false;
  /** Connections opened, frames that failed to decode (for the health view). */
  opens = 0;
  decodeErrors = 0;

  constructor(url: string, events: StreamEvents) {
    this.url = url;
    this.events = events;
  }

  /** Whether the socket is open. */
  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Opens the connection; it reconnects by itself until close(). */
  connect(): void {
    this.closedByUser = false;
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.opens++;
      this.healthyTimer = setTimeout(() => this.backoff.reset(), RECONNECT.healthyAfterMs);
      if (this.wanted.size > 0) this.send('subscribe', [...this.wanted]);
      this.events.state(true);
    };
    ws.onmessage = (e: MessageEvent<ArrayBuffer | string>) => this.receive(e.data);
    ws.onclose = () => this.closed(ws);
    // An error is followed by close; the close handler reconnects.
    ws.onerror = () => undefined;
  }

  /** Closes for good (no reconnection). */
  close(): void {
    this.closedByUser = true;
    clearTimeout(this.retryTimer);
    this.ws?.close(1000, 'page closed');
  }

  /**
   * Wants `topics` from now on (sent at once when open, and again after each reconnect). Resolves when the server
   * has acknowledged every one on the current connection ('ok'), refused one ('refused'), or the connection
   * closed first ('closed').
   */
  subscribe(topics: readonly string[]): Promise<SubscribeResult> {
    const fresh = topics.filter((t) => !this.wanted.has(t));
    for (const t of fresh) this.wanted.add(t);
    if (this.open && fresh.length > 0) this.send('subscribe', fresh);
    return new Promise((resolve) => {
      this.waiters.push({ topics: [...topics], resolve });
      this.settle();
    });
  }

  /** No longer wants `topics`. */
  unsubscribe(topics: readonly string[]): void {
    const gone = topics.filter((t) => this.wanted.delete(t));
    if (this.open && gone.length > 0) this.send('unsubscribe', gone);
  }

  private send(op: 'subscribe' | 'unsubscribe', topics: string[]): void {
    for (const text of controlMessages(op, topics)) {
      const batch = (JSON.parse(text) as { topics: string[] }).topics;
      this.outbox.push({ text, req: { op, topics: batch } });
    }
    this.flush();
  }

  /** Sends queued control messages within the rate limit; schedules itself for the rest. */
  private flush(): void {
    clearTimeout(this.flushTimer);
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const now = performance.now();
    this.sentAtMs = this.sentAtMs.filter((t) => now - t < 1000);
    while (this.outbox.length > 0 && this.sentAtMs.length < CONTROL_PER_SEC) {
      const m = this.outbox.shift()!;
      ws.send(m.text);
      this.inFlight.push(m.req);
      this.sentAtMs.push(now);
    }
    if (this.outbox.length > 0) this.flushTimer = setTimeout(() => this.flush(), 1000 - (now - this.sentAtMs[0]!) + 1);
  }

  private receive(data: ArrayBuffer | string): void {
    if (typeof data !== 'string') {
      try {
        this.events.message(decodeFrame(new Uint8Array(data)));
      } catch (e) {
        this.decodeErrors++;
        this.events.problem(e instanceof Error ? e.message : String(e));
      }
      return;
    }
    let reply: ControlReply | StreamMessage;
    try {
      reply = JSON.parse(data) as ControlReply | StreamMessage;
    } catch {
      this.decodeErrors++;
      this.events.problem('text frame is not JSON');
      return;
    }
    if (reply.type === 'subscribed' || reply.type === 'unsubscribed') this.acknowledged(reply.type, reply.topics);
    else if (reply.type === 'error') this.events.problem(`${reply.code}: ${reply.message}`);
    else if (reply.type !== 'pong') this.events.message(reply);
  }

  private acknowledged(type: 'subscribed' | 'unsubscribed', topics: string[]): void {
    const req = this.inFlight.shift();
    const applied = new Set(topics);
    for (const t of req?.topics ?? topics) {
      if (type === 'unsubscribed') {
        this.acked.delete(t);
        continue;
      }
      if (applied.has(t)) {
        this.acked.add(t);
        this.refused.delete(t);
      } else this.refused.add(t);
    }
    this.settle();
  }

  private settle(): void {
    if (!this.open) return;
    this.waiters = this.waiters.filter((w) => {
      if (w.topics.some((t) => this.refused.has(t))) w.resolve('refused');
      else if (w.topics.every((t) => this.acked.has(t))) w.resolve('ok');
      else return true;
      return false;
    });
  }

  private closed(ws: WebSocket): void {
    if (ws !== this.ws) return;
    clearTimeout(this.healthyTimer);
    clearTimeout(this.flushTimer);
    this.ws = null;
    this.acked.clear();
    this.refused.clear();
    this.inFlight = [];
    this.outbox = [];
    for (const w of this.waiters) w.resolve('closed');
    this.waiters = [];
    if (this.closedByUser) {
      this.events.state(false);
      return;
    }
    const retryMs = this.backoff.next();
    this.events.state(false, retryMs);
    this.retryTimer = setTimeout(() => this.connect(), retryMs);
  }
}
