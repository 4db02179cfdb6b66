import { StreamClose } from '../common/errors.js';

/** What the fan-out needs of one WebSocket (a uWS WebSocket satisfies it; tests use hand-written stubs). */
export interface SocketPort {
  getBufferedAmount(): number;
  send(message: Uint8Array | string, isBinary: boolean): number;
  subscribe(topic: string): boolean;
  unsubscribe(topic: string): boolean;
  end(code: number, reason: string): void;
}

/** What the fan-out needs of the server: native topic publishing (uWS App). */
export interface PublishHub {
  publish(topic: string, message: Uint8Array | string, isBinary: boolean): boolean;
  numSubscribers(topic: string): number;
}

/** Frame format of a subscriber. */
export type Format = 'binary' | 'json';

/** Byte limits of the backpressure policy (docs/stream.md). */
export interface FanoutLimits {
  /** Unsent bytes above which a subscriber leaves the fast path and is conflated. */
  softBytes: number;
  /** Lag in bytes (unsent plus missed since falling behind) above which it is closed with 4001 (StreamClose.SLOW_CONSUMER). */
  hardBytes: number;
  /**
   * Unsent bytes of all slow subscribers together (conflated or closing) above which the slowest is closed with
   * 4001 at once, whatever its own lag: many paused consumers cannot add up to unbounded memory. Default: no cap.
   */
  totalSlowBytes?: number;
}

/** One connection's subscription state. */
export class Subscriber {
  readonly port: SocketPort;
  readonly format: Format;
  readonly topics = new Set<string>();
  /** Conflated: off the native fast path, latest frame per topic waiting for the socket to drain. */
  slow = false;
  closed = false;
  /**
   * Closed past the hard limit, its 4001 close frame not yet handed to the socket: it goes once the client reads
   * again (drained), because uWS drops a socket 16 s after end() if it has not drained, close frame unsent (1006).
   */
  endPending = false;
  readonly pending = new Map<string, Uint8Array | string>();
  /** Bytes of frames missed (conflated away) since it fell behind. */
  missedBytes = 0;
  /** Control messages in the current one-second window, and the window start (ms). */
  controlCount = 0;
  controlWindowMs = 0;

  constructor(port: SocketPort, format: Format) {
    this.port = port;
    this.format = format;
  }
}

/** The hub's topic names of one topic: one per format, since a binary and a JSON subscriber get different frames. */
interface HubTopics {
  binary: string;
  json: string;
}

/**
 * Fans frames out to subscribers without ever waiting for one. Healthy subscribers get frames through the
 * hub's native topic publishing; one whose unsent bytes pass the soft limit is taken off it and keeps only
 * the latest frame per topic until its socket drains; one whose lag passes the hard limit is closed.
 */
export class SubscriberFanout {
  private readonly hub: PublishHub;
  private readonly limits: FanoutLimits;
  private readonly all = new Set<Subscriber>();
  private readonly slow = new Set<Subscriber>();
  /** Closed past the hard limit, waiting for the client to read before their close frame is sent. */
  private readonly ending = new Set<Subscriber>();
  /** Hub topic names per topic, built once (publish runs per frame). */
  private readonly hubTopics = new Map<string, HubTopics>();
  private sweepScheduled = false;
  /** Frames replaced in a slow subscriber's queue by a newer one of the same topic. */
  conflated = 0;
  /** Subscribers closed past the hard limit or the total cap. */
  closedSlow = 0;
  /** Of those, closed because the slow subscribers together passed `totalSlowBytes`. */
  closedOverTotal = 0;

  constructor(hub: PublishHub, limits: FanoutLimits) {
    this.hub = hub;
    this.limits = limits;
  }

  /** Connected subscribers. */
  get size(): number {
    return this.all.size;
  }

  /** Subscribers per format. */
  countByFormat(): Record<Format, number> {
    let binary = 0;
    for (const s of this.all) if (s.format === 'binary') binary++;
    return { binary, json: this.all.size - binary };
  }

  /** Subscribers with at least one topic. */
  get subscribed(): number {
    let n = 0;
    for (const s of this.all) if (s.topics.size > 0) n++;
    return n;
  }

  add(s: Subscriber): void {
    this.all.add(s);
  }

  /** Forgets a closed connection (uWS: after close, the socket must not be touched). */
  remove(s: Subscriber): void {
    s.closed = true;
    s.endPending = false;
    this.all.delete(s);
    this.slow.delete(s);
    this.ending.delete(s);
  }

  subscribe(s: Subscriber, topics: readonly string[]): void {
    for (const t of topics) {
      if (s.topics.has(t)) continue;
      s.topics.add(t);
      if (!s.slow) s.port.subscribe(this.hubTopic(t, s.format));
    }
  }

  unsubscribe(s: Subscriber, topics: readonly string[]): void {
    for (const t of topics) {
      if (!s.topics.delete(t)) continue;
      if (!s.slow) s.port.unsubscribe(this.hubTopic(t, s.format));
      s.pending.delete(t);
    }
  }

  /**
   * Publishes a frame of `topic`: the binary bytes, and the JSON text `json` makes of them only when a JSON
   * subscriber wants it. `binary` may be a view of a reused buffer: a slow subscriber keeps a copy.
   */
  publish(topic: string, binary: Uint8Array, json: (binary: Uint8Array) => string): void {
    const { binary: b, json: j } = this.topicsOf(topic);
    if (this.hub.numSubscribers(b) > 0) this.hub.publish(b, binary, true);
    let text: string | undefined;
    if (this.hub.numSubscribers(j) > 0) {
      text = json(binary);
      this.hub.publish(j, text, false);
    }
    for (const s of this.slow) {
      if (!s.topics.has(topic)) continue;
      let frame: Uint8Array | string;
      if (s.format === 'binary') frame = binary.slice();
      else frame = text ??= json(binary);
      this.conflate(s, topic, frame);
    }
    this.scheduleSweep();
  }

  /** The socket of `s` drained some: send its latest frames and bring it back to the fast path if it keeps up. */
  drained(s: Subscriber): void {
    if (s.endPending) {
      this.endSlow(s);
      return;
    }
    if (!s.slow || s.closed) return;
    const low = this.limits.softBytes / 2;
    if (s.port.getBufferedAmount() > low) return;
    for (const [, frame] of s.pending) s.port.send(frame, s.format === 'binary');
    s.pending.clear();
    if (s.port.getBufferedAmount() > low) return;
    s.slow = false;
    s.missedBytes = 0;
    this.slow.delete(s);
    for (const t of s.topics) s.port.subscribe(this.hubTopic(t, s.format));
  }

  private topicsOf(topic: string): HubTopics {
    let t = this.hubTopics.get(topic);
    if (t === undefined) this.hubTopics.set(topic, (t = { binary: `${topic}|b`, json: `${topic}|j` }));
    return t;
  }

  private hubTopic(topic: string, format: Format): string {
    return this.topicsOf(topic)[format];
  }

  /** Checks every healthy subscriber's unsent bytes once the current publish round is over. */
  private scheduleSweep(): void {
    if (this.sweepScheduled) return;
    this.sweepScheduled = true;
    setImmediate(() => {
      this.sweepScheduled = false;
      this.sweep();
    });
  }

  /** Takes subscribers past the soft limit off the fast path, then holds the slow ones to the total cap (exposed for tests). */
  sweep(): void {
    for (const s of this.all) {
      if (s.slow || s.closed) continue;
      if (s.port.getBufferedAmount() <= this.limits.softBytes) continue;
      s.slow = true;
      this.slow.add(s);
      for (const t of s.topics) s.port.unsubscribe(this.hubTopic(t, s.format));
      this.checkHard(s);
    }
    this.capTotal();
  }

  /** Unsent bytes of the slow subscribers, conflated or closing (/health → server.slowBytes). */
  slowBytes(): number {
    let total = 0;
    for (const s of this.slow) total += s.port.getBufferedAmount();
    for (const s of this.ending) total += s.port.getBufferedAmount();
    return total;
  }

  /** Past the total cap, closes the slowest (most unsent) until the rest fit. */
  private capTotal(): void {
    const cap = this.limits.totalSlowBytes;
    if (cap === undefined || this.slow.size + this.ending.size === 0) return;
    let total = this.slowBytes();
    while (total > cap) {
      let worst: Subscriber | undefined;
      let most = -1;
      for (const set of [this.slow, this.ending]) {
        for (const s of set) {
          const b = s.port.getBufferedAmount();
          if (b > most) [worst, most] = [s, b];
        }
      }
      if (worst === undefined) return;
      if (!worst.endPending) {
        this.closedSlow++;
        worst.closed = true;
        this.slow.delete(worst);
        worst.pending.clear();
      }
      this.closedOverTotal++;
      this.endSlow(worst);
      total -= most;
    }
  }

  private conflate(s: Subscriber, topic: string, frame: Uint8Array | string): void {
    const old = s.pending.get(topic);
    if (old !== undefined) {
      this.conflated++;
      s.missedBytes += old.length;
    }
    s.pending.set(topic, frame);
    this.checkHard(s);
  }

  private checkHard(s: Subscriber): void {
    if (s.closed || s.port.getBufferedAmount() + s.missedBytes <= this.limits.hardBytes) return;
    this.closedSlow++;
    s.closed = true;
    this.slow.delete(s);
    s.pending.clear();
    // The close frame queues behind the unsent bytes: with little unsent it goes now, else once the client reads.
    if (s.port.getBufferedAmount() <= this.limits.softBytes / 2) this.endSlow(s);
    else {
      s.endPending = true;
      this.ending.add(s);
    }
  }

  /** Hands the 4001 close frame to the socket of a subscriber closed past the hard limit. */
  private endSlow(s: Subscriber): void {
    s.endPending = false;
    this.ending.delete(s);
    s.port.end(StreamClose.SLOW_CONSUMER.code, StreamClose.SLOW_CONSUMER.reason);
  }
}
