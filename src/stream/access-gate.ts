import type { Logger } from 'pino';
import type uWS from 'uWebSockets.js';
import { ErrorCode } from '../common/errors.js';
import { BearerAuth, isLoopback } from './bearer-auth.js';
import { respondJson } from './http-json.js';
import { RequestGuard, type GuardOptions } from './request-guard.js';

/** How much of /health a request may read (docs/stream.md "Who may connect"). */
export type HealthAccess = 'full' | 'redacted' | 'liveness';

/** Requests refused since start, by reason (/health → server.refused). */
export interface Refusals {
  host: number;
  origin: number;
  unauthorized: number;
  connections: number;
  format: number;
}

/**
 * Who may use the server, in one place: the Host and Origin checks (DNS rebinding, foreign pages), the bearer
 * token, the connection cap and the stream's format. Every refusal is answered with its code, counted, and
 * logged at most once per code every 10 s (a flood of refused requests is not a flood of lines).
 */
export class AccessGate {
  private readonly guard: RequestGuard;
  private readonly auth: BearerAuth;
  private readonly log: Logger;
  private unauthorized = 0;
  private connections = 0;
  private format = 0;
  /** When each refusal code was last logged (ms). */
  private readonly loggedMs = new Map<string, number>();

  constructor(guard: GuardOptions, authToken: string | undefined, log: Logger) {
    this.guard = new RequestGuard(guard);
    this.auth = new BearerAuth(authToken);
    this.log = log;
  }

  /** Checks Host and Origin; a refused request is answered 403 with its code. */
  admit(res: uWS.HttpResponse, req: uWS.HttpRequest): boolean {
    const refusal = this.guard.check(req.getHeader('host'), req.getHeader('origin'));
    if (refusal === undefined) return true;
    this.logRefusal(refusal.code, refusal.message);
    respondJson(res, '403 Forbidden', refusal);
    return false;
  }

  /** True when no token is configured or the request carries it; otherwise answers 401. */
  authorized(res: uWS.HttpResponse, req: uWS.HttpRequest): boolean {
    if (!this.auth.required || this.carries(req)) return true;
    this.unauthorized++;
    this.logRefusal(ErrorCode.UNAUTHORIZED);
    res.cork(() => res.writeStatus('401 Unauthorized').writeHeader('www-authenticate', 'Bearer').writeHeader('content-type', 'application/json')
      .end(JSON.stringify({ code: ErrorCode.UNAUTHORIZED, message: 'this server needs its token: Authorization: Bearer <token>, or ?token=<token>' })));
    return false;
  }

  /**
   * What /health shows this request: without a configured token's token, liveness only; the account and the
   * gateway only with the token, or with no token configured only to loopback peers.
   */
  healthAccess(res: uWS.HttpResponse, req: uWS.HttpRequest): HealthAccess {
    if (this.auth.required) return this.carries(req) ? 'full' : 'liveness';
    return isLoopback(Buffer.from(res.getRemoteAddressAsText()).toString()) ? 'full' : 'redacted';
  }

  /** Answers an upgrade past `--max-connections` with 503. */
  refuseConnection(res: uWS.HttpResponse, max: number): void {
    this.connections++;
    this.logRefusal(ErrorCode.TOO_MANY_CONNECTIONS);
    respondJson(res, '503 Service Unavailable', { code: ErrorCode.TOO_MANY_CONNECTIONS, message: `the server holds its most connections (${max}, --max-connections)` });
  }

  /** Answers an upgrade asking for a format other than binary or json with 400. */
  refuseFormat(res: uWS.HttpResponse, format: string): void {
    this.format++;
    const message = `format must be binary or json, not "${format.slice(0, 40)}"`;
    this.logRefusal(ErrorCode.BAD_STREAM_FORMAT, message);
    respondJson(res, '400 Bad Request', { code: ErrorCode.BAD_STREAM_FORMAT, message });
  }

  refusals(): Refusals {
    return { host: this.guard.refusedHost, origin: this.guard.refusedOrigin, unauthorized: this.unauthorized, connections: this.connections, format: this.format };
  }

  private carries(req: uWS.HttpRequest): boolean {
    return this.auth.carries(req.getHeader('authorization'), req.getQuery('token'));
  }

  private logRefusal(code: string, detail?: string): void {
    const nowMs = performance.now();
    const last = this.loggedMs.get(code);
    if (last !== undefined && nowMs - last < 10_000) return;
    this.loggedMs.set(code, nowMs);
    this.log.warn({ code, ...(detail !== undefined ? { detail } : {}), refused: this.refusals() }, 'Request refused');
  }
}
