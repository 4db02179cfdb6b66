import type { Logger } from 'pino';
import uWS from 'uWebSockets.js';
import { nowUs } from '../common/clock.js';
import { configError, ErrorCode, isMiaError, StreamClose } from '../common/errors.js';
import { decodeFrame } from '../protocol/frame-decoder.js';
import type { SessionAnchor } from '../model/bar-features.js';
import { BarHistory } from './bar-history.js';
import { CloseLog } from './close-log.js';
import { AccessGate } from './access-gate.js';
import { redactSecrets } from './bearer-auth.js';
import { ControlChannel } from './control-channel.js';
import { respondJson, respondLater } from './http-json.js';
import { listenExclusive } from './exclusive-listen.js';
import { stampPublished, type BuiltFrame } from './frame-writer.js';
import type { StatusMessage } from '../protocol/messages.js';
import { defaultWebRoot, StaticSite, type GetRoutes } from './static-files.js';
import { Subscriber, SubscriberFanout, type Format } from './subscriber-fanout.js';

/** Server settings (docs/stream.md). */
export interface StreamServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Topics the engine publishes; subscribing to another is an error reply. */
  topics: ReadonlySet<string>;
  softLimitBytes: number;
  hardLimitBytes: number;
  maxMessageBytes: number;
  maxControlPerSec: number;
  /** The engine's session anchor (`--session`): `/bars` holds the closed bars of each symbol's current session. */
  session: SessionAnchor;
  /** The dashboard's built files, served at `/`; default `<package root>/web/dist`. */
  webRoot?: string;
  /** More Host names than the defaults (`--allow-host`; docs/stream.md "Who may connect"). */
  allowHosts?: readonly string[];
  /** More origins than the server's own (`--allow-origin`). */
  allowOrigins?: readonly string[];
  /** Most open WebSockets; an upgrade beyond is 503 MIA_ERR_TOO_MANY_CONNECTIONS (`--max-connections`; default 1000). */
  maxConnections?: number;
  /** Cap on the unsent bytes of all slow subscribers together (`--max-slow-bytes`; default 256 MiB). */
  totalSlowBytes?: number;
  /** The bearer token every data route and the stream require (`--auth-token-file`, `MIA_AUTH_TOKEN`); none by default. */
  authToken?: string;
}

/** What /health adds about the engine (status and stage latencies), supplied by the composition root. */
export type HealthSource = () => { status: Omit<StatusMessage, 'type' | 'topic'>; stages: unknown; source?: unknown };

/** What GET /metrics serves: the exposition text, made at request time (PrometheusMetrics). */
export interface MetricsPage {
  contentType: string;
  text(): Promise<string>;
}

interface Conn {
  sub: Subscriber | undefined;
  format: Format;
  /** Peer address, read at the upgrade (a closed socket must not be touched). */
  remote: string;
}

/**
 * The most uWS reads of one incoming message. Up to it, a control message over `--max-message-bytes` gets a 1009
 * close frame; past it uWS cuts the connection without one (the client sees 1006). Bounded so that a connection
 * holds at most this much of a half-received message.
 */
export const READ_LIMIT_BYTES = 1024 * 1024;

/** The latest snapshot frame of a symbol for GET /snapshot: one buffer per symbol, grown when a frame outgrows it. */
interface LatestFrame {
  buf: Uint8Array;
  length: number;
}

/** Copies a frame into its key's buffer, which grows (doubling) only when the frame outgrows it. */
function keepLatest(into: Map<string, LatestFrame>, key: string, bytes: Uint8Array): void {
  let l = into.get(key);
  if (l === undefined) into.set(key, (l = { buf: new Uint8Array(bytes.length), length: 0 }));
  else if (l.buf.length < bytes.length) l.buf = new Uint8Array(Math.max(bytes.length, 2 * l.buf.length));
  l.buf.set(bytes);
  l.length = bytes.length;
}

/** A frame as a JSON subscriber receives it (one function for every publish: no closure per frame). */
const frameJson = (bytes: Uint8Array): string => JSON.stringify(decodeFrame(bytes));

/**
 * The stream on uWebSockets.js: `/stream` WebSocket with JSON control messages and FlatBuffers (or JSON)
 * frames, `GET /health`, `GET /snapshot/<SYMBOL>`, `GET /bars/<SYMBOL>/<TF>` and the dashboard's files at `/`.
 * Refuses to start on uWS's slow JavaScript fallback.
 */
export class StreamServer {
  private readonly app: uWS.TemplatedApp;
  private readonly fanout: SubscriberFanout;
  private readonly o: StreamServerOptions;
  private readonly log: Logger;
  private readonly latest = new Map<string, LatestFrame>();
  /** The latest decision frame of each `signal.<SYMBOL>` topic, for GET /snapshot's `decision`. */
  private readonly latestDecision = new Map<string, LatestFrame>();
  private readonly history: BarHistory;
  private readonly site: StaticSite;
  private readonly sockets = new Set<uWS.WebSocket<Conn>>();
  private readonly closeLog: CloseLog;
  private readonly gate: AccessGate;
  private readonly controls: ControlChannel;
  private listenSocket: uWS.us_listen_socket | undefined;
  private health: HealthSource | undefined;
  private metrics: MetricsPage | undefined;
  /** Frames handed to the fan-out since start, per topic (summed by kind on request). */
  private readonly published = new Map<string, { frames: number }>();
  private warmCalls = 0;
  /** Bound port, once listening. */
  port = 0;

  constructor(o: StreamServerOptions, log: Logger) {
    if (!('H3App' in uWS)) {
      throw configError(ErrorCode.BAD_CONFIG, 'uWebSockets.js loaded its slow JavaScript fallback, not the native binary: refusing to start');
    }
    this.o = o;
    this.log = log;
    this.closeLog = new CloseLog(log.child({ stage: 'stream' }));
    this.gate = new AccessGate({ bindHost: o.host, allowHosts: o.allowHosts ?? [], allowOrigins: o.allowOrigins ?? [] }, o.authToken, log);
    this.app = uWS.App();
    this.fanout = new SubscriberFanout(this.app, { softBytes: o.softLimitBytes, hardBytes: o.hardLimitBytes, totalSlowBytes: o.totalSlowBytes ?? 256 * 1024 * 1024 });
    this.controls = new ControlChannel(this.fanout, { topics: o.topics, maxMessageBytes: o.maxMessageBytes, maxControlPerSec: o.maxControlPerSec });
    this.history = new BarHistory(o.session);
    this.site = new StaticSite(o.webRoot ?? defaultWebRoot());
    this.routes();
  }

  /** Supplies the engine's status and stage latencies to /health. */
  setHealthSource(h: HealthSource): void {
    this.health = h;
  }

  /** Supplies GET /metrics (503 until set). */
  setMetrics(m: MetricsPage): void {
    this.metrics = m;
  }

  /** Starts listening, alone on the port; resolves with the bound port, rejects with PORT_IN_USE when it is taken. */
  async listen(): Promise<number> {
    const ls = await listenExclusive(this.app, this.o.host, this.o.port);
    this.listenSocket = ls;
    this.port = uWS.us_socket_local_port(ls);
    this.log.info({ host: this.o.host, port: this.port }, 'Stream server listening');
    if (!this.site.built) {
      this.log.warn({ code: ErrorCode.DASHBOARD_NOT_BUILT, webRoot: this.site.root }, 'Dashboard not built: GET / answers 503 until npm run build:web has run');
    }
    return this.port;
  }

  /** Publishes a snapshot frame, stamping its publish time, and keeps a copy for GET /snapshot. */
  snapshot(symbol: string, topic: string, frame: BuiltFrame): void {
    stampPublished(frame, nowUs());
    this.fanout.publish(topic, frame.bytes, frameJson);
    this.count(topic);
    keepLatest(this.latest, symbol, frame.bytes);
  }

  /** Runs the publish path (stamp, JSON decode) without sending, so V8 optimises it before real frames. */
  warm(frame: BuiltFrame): void {
    stampPublished(frame, nowUs());
    // The JSON path costs ~0.1 ms a call: a tenth of the calls are enough for V8 to optimise it.
    if (this.warmCalls++ % 10 === 0) frameJson(frame.bytes);
  }

  /**
   * Publishes a closed-bar frame and keeps a copy for GET /bars. Both happen in this one call, so a request
   * sees every bar published before it and none after: a client subscribed before it asks misses none.
   */
  bar(topic: string, frame: BuiltFrame): void {
    stampPublished(frame, nowUs());
    this.fanout.publish(topic, frame.bytes, frameJson);
    this.count(topic);
    this.history.add(topic, frame.bytes);
  }

  /** Publishes a frame on any known topic (decisions on `signal.<SYMBOL>`, the risk state on `risk`). */
  publish(topic: string, bytes: Uint8Array): void {
    this.fanout.publish(topic, bytes, frameJson);
    this.count(topic);
    if (topic.startsWith('signal.')) keepLatest(this.latestDecision, topic, bytes);
  }

  /** Publishes a status frame. */
  status(frame: Uint8Array): void {
    this.fanout.publish('status', frame, frameJson);
    this.count('status');
  }

  /** One frame of `topic` published: a lookup and an increment (the counter object is made once per topic). */
  private count(topic: string): void {
    let c = this.published.get(topic);
    if (c === undefined) this.published.set(topic, (c = { frames: 0 }));
    c.frames++;
  }

  /** Frames published since start by topic kind, the topic's first part (`snapshot`, `bar`, `signal`, `status`, `risk`). */
  framesPublished(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [topic, c] of this.published) {
      const dot = topic.indexOf('.');
      const kind = dot < 0 ? topic : topic.slice(0, dot);
      out[kind] = (out[kind] ?? 0) + c.frames;
    }
    return out;
  }

  /** Subscribers by format, frames published by kind, and the backpressure and control counters (/metrics). */
  deliveryStats(): { subscribers: Record<Format, number>; framesPublished: Record<string, number>; framesConflated: number; closedSlow: number; controlErrors: number } {
    return {
      subscribers: this.fanout.countByFormat(), framesPublished: this.framesPublished(),
      framesConflated: this.fanout.conflated, closedSlow: this.fanout.closedSlow, controlErrors: this.controls.errors,
    };
  }

  /** Delivery counters for the status. */
  counters(): { subscribers: number; framesConflated: number; closedSlow: number; controlErrors: number } {
    return { subscribers: this.fanout.size, framesConflated: this.fanout.conflated, closedSlow: this.fanout.closedSlow, controlErrors: this.controls.errors };
  }

  /** Resolves once `n` subscribers hold at least one topic (a replay can wait for its audience). */
  async waitForSubscribers(n: number): Promise<void> {
    // Ends with the server too: a shutdown while waiting must not leave this loop keeping the process alive.
    while (this.fanout.subscribed < n && this.listenSocket !== undefined) await new Promise((r) => setTimeout(r, 20));
  }

  /** Closes every socket with 1001 (StreamClose.SHUTTING_DOWN) and stops listening. */
  close(): void {
    const { code, reason } = StreamClose.SHUTTING_DOWN;
    this.closeLog.shuttingDown = true;
    for (const ws of [...this.sockets]) ws.end(code, reason);
    this.closeLog.flush();
    if (this.listenSocket) uWS.us_listen_socket_close(this.listenSocket);
    this.listenSocket = undefined;
    // HTTP keep-alive connections (a dashboard polling /health) would keep the process serving stale answers
    // after shutdown: once the close frames above have gone out, every remaining socket is closed. uWS v20.30
    // has app.close() at run time; its typings do not declare it.
    setTimeout(() => (this.app as unknown as { close?: () => void }).close?.(), 100).unref();
  }

  private routes(): void {
    const o = this.o;
    this.app.ws<Conn>('/stream', {
      // Larger than our own limit, so an oversized control message reaches the handler and gets a proper
      // 1009 close frame; past this, uWS drops the connection without one.
      maxPayloadLength: Math.max(READ_LIMIT_BYTES, 2 * o.maxMessageBytes),
      // uWS skips a socket past maxBackpressure without telling: keep it above our own hard limit.
      maxBackpressure: o.hardLimitBytes * 2,
      closeOnBackpressureLimit: 0,
      idleTimeout: 120,
      sendPingsAutomatically: true,
      upgrade: (res, req, context) => {
        if (!this.gate.admit(res, req) || !this.gate.authorized(res, req)) return;
        if (this.sockets.size >= (o.maxConnections ?? 1000)) {
          this.gate.refuseConnection(res, o.maxConnections ?? 1000);
          return;
        }
        const f = req.getQuery('format');
        if (f && f !== 'json' && f !== 'binary') {
          this.gate.refuseFormat(res, f);
          return;
        }
        const remote = Buffer.from(res.getRemoteAddressAsText()).toString();
        res.upgrade<Conn>({ sub: undefined, format: f === 'json' ? 'json' : 'binary', remote }, req.getHeader('sec-websocket-key'),
          req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
      },
      open: (ws) => {
        const c = ws.getUserData();
        c.sub = new Subscriber(ws as unknown as Subscriber['port'], c.format);
        this.fanout.add(c.sub);
        this.sockets.add(ws);
      },
      message: (ws, message, isBinary) => this.controls.message(ws, ws.getUserData().sub, message, isBinary),
      drain: (ws) => {
        const s = ws.getUserData().sub;
        if (s) this.fanout.drained(s);
      },
      close: (ws, code, message) => {
        const c = ws.getUserData();
        const dropped = c.sub?.endPending === true;
        if (c.sub) this.fanout.remove(c.sub);
        this.sockets.delete(ws);
        // uWS reports a connection it cut (message past the read limit, idle timeout) as 1006.
        const reason = Buffer.from(message).toString();
        const detail = code !== 1006 ? undefined
          : dropped ? 'slow consumer: the client never read its close frame'
            : reason === '' ? 'connection lost or idle timeout' : reason;
        this.closeLog.closed(c, code, reason, detail);
      },
    });
    const app = this.guarded();
    app.get('/health', (res, req) => {
      const access = this.gate.healthAccess(res, req);
      if (!this.health) {
        respondJson(res, '503 Service Unavailable', { code: ErrorCode.NOT_READY, message: 'the engine is starting' });
        return;
      }
      if (access === 'liveness') {
        respondJson(res, '200 OK', { live: true });
        return;
      }
      const full = this.health();
      const h = access === 'full' ? full : { ...full, ...('source' in full ? { source: redactSecrets(full.source) } : {}), status: { ...full.status, sourceDetail: redactSecrets(full.status.sourceDetail) } };
      respondJson(res, '200 OK', {
        ...h, server: {
          subscribers: this.fanout.countByFormat(), framesPublished: this.framesPublished(), softLimitBytes: o.softLimitBytes, hardLimitBytes: o.hardLimitBytes,
          closes: this.closeLog.byCode, refused: this.gate.refusals(), connections: this.sockets.size, maxConnections: o.maxConnections ?? 1000,
          slowBytes: this.fanout.slowBytes(), closedOverTotal: this.fanout.closedOverTotal,
        },
      });
    });
    app.get('/metrics', (res, req) => {
      if (this.gate.authorized(res, req)) this.metricsRoute(res);
    });
    app.get('/snapshot/:symbol', (res, req) => {
      if (!this.gate.authorized(res, req)) return;
      const symbol = req.getParameter(0)?.toUpperCase() ?? '';
      const l = this.latest.get(symbol);
      if (!l) respondJson(res, '404 Not Found', { code: ErrorCode.NO_SNAPSHOT, message: `no snapshot of "${symbol}" yet` });
      else {
        // With the symbol's latest decision (its SHAP values, strategy, drift): a trader reads both in one request.
        const d = this.latestDecision.get(`signal.${symbol}`);
        respondJson(res, '200 OK', { ...decodeFrame(l.buf.subarray(0, l.length)), ...(d ? { decision: decodeFrame(d.buf.subarray(0, d.length)) } : {}) });
      }
    });
    app.get('/bars/:symbol/:timeframe', (res, req) => {
      if (!this.gate.authorized(res, req)) return;
      const symbol = req.getParameter(0)?.toUpperCase() ?? '';
      const timeframe = req.getParameter(1) ?? '';
      const topic = `bar.${symbol}.${timeframe}`;
      if (!o.topics.has(topic)) {
        respondJson(res, '404 Not Found', { code: ErrorCode.NO_BARS, message: `no bars of "${symbol}" "${timeframe}": the engine publishes no topic ${topic}` });
        return;
      }
      // Answered over a few turns of the event loop (BarHistory.json).
      respondLater(res, 'application/json', this.history.json(symbol, timeframe, topic), (e) => {
        this.log.error({ err: e, topic }, 'Bars request failed');
        return { code: isMiaError(e) ? e.code : ErrorCode.BAD_FRAME, message: String(e) };
      });
    });
    this.site.mount(app);
    app.any('/*', (res) => respondJson(res, '404 Not Found', {
      code: ErrorCode.NOT_FOUND, message: 'routes: / (dashboard), /stream (WebSocket), /health, /metrics, /snapshot/<SYMBOL>, /bars/<SYMBOL>/<TF>',
    }));
  }

  /** The app's route registration with the Host and Origin checks in front of every handler. */
  private guarded(): GetRoutes & { any: GetRoutes['get'] } {
    const wrap = (h: (res: uWS.HttpResponse, req: uWS.HttpRequest) => void) => (res: uWS.HttpResponse, req: uWS.HttpRequest): void => {
      if (this.gate.admit(res, req)) h(res, req);
    };
    return {
      get: (pattern, h) => this.app.get(pattern, wrap(h)),
      any: (pattern, h) => this.app.any(pattern, wrap(h)),
    };
  }

  /** GET /metrics: 503 until the metrics are set. */
  private metricsRoute(res: uWS.HttpResponse): void {
    const m = this.metrics;
    if (!m) {
      respondJson(res, '503 Service Unavailable', { code: ErrorCode.NOT_READY, message: 'the engine is starting' });
      return;
    }
    // prom-client's registry makes the text over a promise.
    respondLater(res, m.contentType, m.text(), (e) => {
      this.log.error({ err: e, code: ErrorCode.METRICS_FAILED }, 'Metrics request failed');
      return { code: ErrorCode.METRICS_FAILED, message: String(e) };
    });
  }

}
