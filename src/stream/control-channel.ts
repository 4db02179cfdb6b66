import type uWS from 'uWebSockets.js';
import { ErrorCode, StreamClose } from '../common/errors.js';
import { parseControl, partitionTopics } from '../protocol/control-protocol.js';
import type { ControlReply } from '../protocol/messages.js';
import type { Subscriber, SubscriberFanout } from './subscriber-fanout.js';

/** Limits of a client's control messages (docs/stream.md "Control messages"). */
export interface ControlLimits {
  /** Topics the engine publishes; subscribing to another is an error reply. */
  topics: ReadonlySet<string>;
  /** A larger message closes the connection with 1009. */
  maxMessageBytes: number;
  /** More messages in one second close it with 1008. */
  maxControlPerSec: number;
}

/**
 * A subscriber's control messages: subscribe, unsubscribe, ping. A malformed message gets a coded error reply
 * and the connection stays open; a too-large message or a flood closes it with the documented code.
 */
export class ControlChannel {
  /** Control messages refused since start (status and /metrics). */
  errors = 0;
  private readonly fanout: SubscriberFanout;
  private readonly limits: ControlLimits;

  constructor(fanout: SubscriberFanout, limits: ControlLimits) {
    this.fanout = fanout;
    this.limits = limits;
  }

  /** Handles one message of `ws`, whose subscriber is `s`. */
  message<T>(ws: uWS.WebSocket<T>, s: Subscriber | undefined, message: ArrayBuffer, isBinary: boolean): void {
    if (!s || s.closed) return;
    const nowMs = performance.now();
    if (nowMs - s.controlWindowMs >= 1000) {
      s.controlWindowMs = nowMs;
      s.controlCount = 0;
    }
    if (++s.controlCount > this.limits.maxControlPerSec) {
      this.close(ws, s, StreamClose.CONTROL_RATE_LIMIT);
      return;
    }
    if (message.byteLength > this.limits.maxMessageBytes) {
      this.close(ws, s, StreamClose.MESSAGE_TOO_BIG);
      return;
    }
    if (isBinary) {
      this.reply(ws, { type: 'error', code: ErrorCode.BAD_CONTROL, message: 'control messages are JSON text frames' });
      return;
    }
    // The ArrayBuffer is valid only during this call: decode (copy) it now.
    const req = parseControl(Buffer.from(message).toString('utf8'));
    if ('type' in req) {
      this.reply(ws, req);
      return;
    }
    if (req.op === 'ping') {
      this.reply(ws, { type: 'pong' });
      return;
    }
    const { known, unknown } = partitionTopics(req.topics, this.limits.topics);
    if (req.op === 'subscribe') this.fanout.subscribe(s, known);
    else this.fanout.unsubscribe(s, known);
    this.reply(ws, { type: req.op === 'subscribe' ? 'subscribed' : 'unsubscribed', topics: known });
    if (unknown.length > 0) {
      this.reply(ws, { type: 'error', code: ErrorCode.UNKNOWN_TOPIC, message: `unknown topics: ${unknown.join(', ')} (see docs/stream.md)` });
    }
  }

  private close<T>(ws: uWS.WebSocket<T>, s: Subscriber, why: { code: number; reason: string }): void {
    this.errors++;
    s.closed = true;
    ws.end(why.code, why.reason);
  }

  private reply<T>(ws: uWS.WebSocket<T>, r: ControlReply): void {
    if (r.type === 'error') this.errors++;
    ws.send(JSON.stringify(r), false);
  }
}
