import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { ErrorCode, MiaError } from '../common/errors.js';
import { decodeFrame } from '../protocol/frame-decoder.js';
import type { ControlReply, StreamMessage } from '../protocol/messages.js';
import { backoffDelayMs, backoffPolicy, type BackoffPolicy } from './backoff.js';
import { controlMessages } from '../protocol/control-protocol.js';
import { parseTextFrame, type TextFrame } from './control.js';

/**
 * Microseconds since the Unix epoch on the clock the engine stamps its stage times with, so that
 * `receiveTimeUs() - message.stages.tickReceivedUs` is a snapshot's tick-to-receive latency.
 */
export { nowUs as receiveTimeUs } from '../common/clock.js';

/** Options of a {@link MiaClient}. */
export interface MiaClientOptions {
  /** The stream endpoint, e.g. `ws://127.0.0.1:8080/stream`. */
  url: string;
  /** FlatBuffers frames (default) or JSON text (`?format=json`); both decode to the same messages. */
  format?: 'binary' | 'json';
  /** Topics to subscribe to on every (re)connect, e.g. `['snapshot.ES', 'bar.ES.1m']`. */
  topics?: readonly string[];
  /**
   * Reconnection after an unexpected close, with capped exponential backoff and jitter (defaults in
   * `DEFAULT_BACKOFF`: 250 ms doubling to 10 s, ±20 %), or `false` to stay closed.
   */
  reconnect?: Partial<BackoffPolicy> | false;
  /** A connection attempt whose handshake takes longer fails (default 10 s). */
  handshakeTimeoutMs?: number;
}

/** Close code and reason of a connection that had opened. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** A reconnection is scheduled: the attempt number (1-based since the last healthy connection) and its delay. */
export interface ReconnectInfo {
  attempt: number;
  delayMs: number;
}

/** The events of a {@link MiaClient} and their arguments. */
export interface MiaClientEvents {
  /** A topic message, decoded (binary frames through `decodeFrame`, JSON text as parsed). */
  message: [message: StreamMessage];
  /**
   * A binary frame's bytes as received, before decoding. For consumers that read a few fields with the
   * FlatBuffers accessors (`src/generated/mia`) instead of paying for a full decode; binary frames are
   * decoded into `message` only while `message` has listeners.
   */
  frame: [bytes: Uint8Array];
  /** A control reply: `subscribed`, `unsubscribed`, `pong` or `error` (the connection stays open). */
  control: [reply: ControlReply];
  /** A connection opened; the current topics have been sent. */
  open: [];
  /** A connection that had opened closed. */
  close: [info: CloseInfo];
  /**
   * A connection attempt failed, or a frame could not be decoded (`code` MIA_ERR_BAD_FRAME; the client
   * carries on). Without a listener the error becomes a process warning instead of an exception.
   */
  error: [error: Error];
  /** A reconnection is scheduled after an unexpected close. */
  reconnecting: [info: ReconnectInfo];
}

/** `connect()` was pending when `close()` was called, or was called after it: MIA_ERR_CLIENT_CLOSED. */
export class ClientClosedError extends MiaError {
  constructor(message: string) {
    super(ErrorCode.CLIENT_CLOSED, message);
    this.name = 'ClientClosedError';
  }
}

/** How long `close()` waits for the server's closing handshake before dropping the socket. */
const CLOSE_GRACE_MS = 2_000;

function streamUrl(url: string, format: 'binary' | 'json'): string {
  const u = new URL(url);
  if (format === 'json') u.searchParams.set('format', 'json');
  return u.toString();
}

function checkTopics(topics: readonly string[]): string[] {
  if (!Array.isArray(topics) || !topics.every((t) => typeof t === 'string' && t.length > 0)) {
    throw new TypeError('topics must be a list of non-empty strings');
  }
  return [...new Set(topics)];
}

/**
 * A subscriber of the MIA stream (docs/stream.md) for tests, benchmarks and bots. It keeps a topic set,
 * sends it on every (re)connect, decodes frames, routes control replies apart from topic messages, and
 * reconnects after an unexpected close with capped exponential backoff, never in a tight loop.
 *
 * ```ts
 * const client = new MiaClient({ url: 'ws://127.0.0.1:8080/stream', topics: ['snapshot.ES'] });
 * client.on('message', (m) => { if (m.type === 'snapshot') console.log(m.frames[0]?.session.vwap); });
 * await client.connect();
 * ```
 */
export class MiaClient extends EventEmitter<MiaClientEvents> {
  /** The URL connected to, with `format=json` when JSON was chosen. */
  readonly url: string;
  private readonly policy: BackoffPolicy | undefined;
  private readonly handshakeTimeoutMs: number;
  private readonly topicSet: Set<string>;
  private ws: WebSocket | undefined;
  private attempt = 0;
  private openedAt = 0;
  private lastError: Error | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private opening: Promise<void> | undefined;
  private pendingOpen: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private closeRequested = false;
  private closed: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;

  constructor(options: MiaClientOptions) {
    super();
    this.url = streamUrl(options.url, options.format ?? 'binary');
    this.policy = options.reconnect === false ? undefined : backoffPolicy(options.reconnect);
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
    this.topicSet = new Set(checkTopics(options.topics ?? []));
  }

  /** The topics sent on every (re)connect. */
  get topics(): readonly string[] {
    return [...this.topicSet];
  }

  /** True while a connection is open. */
  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /**
   * Opens the connection. Resolves on the next open (at once when open); with reconnection on, failed
   * attempts are retried (each reported as `error` and `reconnecting`) until one opens. Rejects when an
   * attempt fails without reconnection (calling again retries), or with {@link ClientClosedError} when
   * `close()` comes first.
   */
  connect(): Promise<void> {
    if (this.closeRequested) return Promise.reject(new ClientClosedError('the client was closed'));
    if (this.isOpen) return Promise.resolve();
    if (!this.opening) {
      this.opening = new Promise((resolve, reject) => {
        this.pendingOpen = { resolve, reject };
      });
      // While an attempt runs or a retry is scheduled, that attempt settles the promise.
      if (!this.ws && !this.retryTimer) this.dial();
    }
    return this.opening;
  }

  /** Adds topics; sends them now when connected (the server replies `subscribed` on `control`), else on open. */
  subscribe(topics: readonly string[]): void {
    const list = checkTopics(topics);
    for (const t of list) this.topicSet.add(t);
    this.send(controlMessages('subscribe', list));
  }

  /** Removes topics; tells the server now when connected. */
  unsubscribe(topics: readonly string[]): void {
    const list = checkTopics(topics);
    for (const t of list) this.topicSet.delete(t);
    this.send(controlMessages('unsubscribe', list));
  }

  /** Asks the server for a `pong` control reply (a liveness probe); nothing happens when not connected. */
  ping(): void {
    this.send(['{"op":"ping"}']);
  }

  /** Closes the connection for good: no reconnection afterwards. Resolves once the socket is closed. */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.closeRequested = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.settleOpening(new ClientClosedError('the client was closed before a connection opened'));
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) {
      this.closed = Promise.resolve();
      return this.closed;
    }
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    if (ws.readyState === WebSocket.CONNECTING) {
      ws.terminate();
    } else {
      ws.close(1000, 'client closing');
      // A server that never answers the closing handshake must not hold close() for ws's 30 s default.
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
    }
    return this.closed;
  }

  private send(messages: readonly string[]): void {
    const ws = this.ws;
    if (ws?.readyState !== WebSocket.OPEN) return; // the topic set goes out on the next open
    for (const m of messages) ws.send(m);
  }

  private dial(): void {
    this.retryTimer = undefined;
    const ws = new WebSocket(this.url, { handshakeTimeout: this.handshakeTimeoutMs, perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    this.ws = ws;
    let opened = false;
    ws.on('open', () => {
      opened = true;
      this.openedAt = performance.now();
      this.lastError = undefined;
      this.send(controlMessages('subscribe', [...this.topicSet]));
      this.settleOpening(undefined);
      this.emit('open');
    });
    ws.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    ws.on('error', (err) => {
      // Aborting a handshake in close() errors by design: the caller asked for it.
      if (this.closeRequested) return;
      this.lastError = err;
      this.report(err);
    });
    ws.on('close', (code, reason) => this.onClose(ws, opened, code, reason.toString('utf8')));
  }

  private onClose(ws: WebSocket, opened: boolean, code: number, reason: string): void {
    if (this.ws === ws) this.ws = undefined;
    if (opened) this.emit('close', { code, reason });
    if (this.closeRequested) {
      this.resolveClosed?.();
      this.resolveClosed = undefined;
      return;
    }
    if (!this.policy) {
      this.settleOpening(this.lastError ?? new Error(`connection closed with code ${code}`));
      return;
    }
    // Only a connection that lasted counts as recovery; one dropped right after opening keeps backing off.
    if (opened && performance.now() - this.openedAt >= this.policy.resetAfterMs) this.attempt = 0;
    this.attempt += 1;
    const delayMs = backoffDelayMs(this.attempt, this.policy);
    this.retryTimer = setTimeout(() => this.dial(), delayMs);
    this.emit('reconnecting', { attempt: this.attempt, delayMs });
  }

  /** Resolves (no error) or rejects a pending `connect()`. */
  private settleOpening(error: Error | undefined): void {
    const pending = this.pendingOpen;
    this.pendingOpen = undefined;
    this.opening = undefined;
    if (error) pending?.reject(error);
    else pending?.resolve();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      if (this.listenerCount('frame') > 0) this.emit('frame', data);
      if (this.listenerCount('message') === 0) return;
      let message: StreamMessage;
      try {
        // ws hands over slices of its read buffer at any byte offset: decodeFrame copies unaligned ones.
        message = decodeFrame(data);
      } catch (e) {
        this.report(e as Error);
        return;
      }
      this.emit('message', message);
      return;
    }
    let text: TextFrame;
    try {
      text = parseTextFrame(data.toString('utf8'));
    } catch (e) {
      this.report(e as Error);
      return;
    }
    if (text.kind === 'control') this.emit('control', text.reply);
    else this.emit('message', text.message);
  }

  /** Errors go to `error` listeners; without one, a warning rather than an exception that would end the process. */
  private report(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
    else process.emitWarning(err);
  }
}
