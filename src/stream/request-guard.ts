import { isIP } from 'node:net';
import { ErrorCode, type ErrorCodeValue } from '../common/errors.js';

/** Who may reach the server from a browser (docs/stream.md "Who may connect"). */
export interface GuardOptions {
  /** The address the server binds (`--host`): its name is an allowed Host. */
  bindHost: string;
  /** More allowed Host names (`--allow-host`), a port if given is ignored. */
  allowHosts: readonly string[];
  /** More allowed origins (`--allow-origin`), as `scheme://host[:port]`. */
  allowOrigins: readonly string[];
}

/** Why a request was refused: the HTTP 403's code and message. */
export interface Refusal {
  code: ErrorCodeValue;
  message: string;
}

/** The host name of a Host header (`name:port`, `[v6]:port`), lower case, without brackets or port. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(1, end);
  }
  const colon = h.indexOf(':');
  // Two colons or more: an unbracketed IPv6 address (as --host takes it), no port.
  return colon < 0 || h.indexOf(':', colon + 1) >= 0 ? h : h.slice(0, colon);
}

/** `scheme://host[:port]` of an origin, or undefined when the text is not an http(s) origin. */
export function normalOrigin(text: string): string | undefined {
  try {
    const u = new URL(text.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Host and Origin checks of every HTTP request and WebSocket upgrade. DNS rebinding reaches a server on
 * 127.0.0.1 under an attacker's domain name, so a Host must be an IP literal, `localhost`, the bind host or an
 * `--allow-host` name (a rebinding page cannot send an IP literal as Host). A browser page of another site is
 * told by its Origin: allowed are requests without Origin (curl, bots), the server's own origin (the page's
 * origin names the host and port the request went to, as the dashboard at / does) and `--allow-origin`.
 */
export class RequestGuard {
  private readonly hosts: Set<string>;
  private readonly origins: Set<string>;
  /** Requests refused for their Host header. */
  refusedHost = 0;
  /** Requests refused for their Origin header. */
  refusedOrigin = 0;

  constructor(o: GuardOptions) {
    this.hosts = new Set(['localhost', hostName(o.bindHost), ...o.allowHosts.map(hostName)]);
    this.origins = new Set(o.allowOrigins.map((x) => normalOrigin(x) ?? x));
  }

  /** Undefined when the request may go on; the refusal (counted) otherwise. Headers as received, '' when absent. */
  check(host: string, origin: string): Refusal | undefined {
    if (host !== '' && !this.hostAllowed(hostName(host))) {
      this.refusedHost++;
      return { code: ErrorCode.FORBIDDEN_HOST, message: `Host "${clip(host)}" is not this server's: use an IP address, localhost or a name given with --allow-host` };
    }
    if (origin !== '' && !this.originAllowed(origin, host)) {
      this.refusedOrigin++;
      return { code: ErrorCode.FORBIDDEN_ORIGIN, message: `Origin "${clip(origin)}" is not allowed: only the server's own pages and --allow-origin` };
    }
    return undefined;
  }

  private hostAllowed(name: string): boolean {
    return isIP(name) !== 0 || this.hosts.has(name);
  }

  private originAllowed(origin: string, host: string): boolean {
    const o = normalOrigin(origin);
    if (o === undefined) return false;
    if (this.origins.has(o)) return true;
    if (host === '') return false;
    // Same origin: the page was loaded from the host and port this request went to.
    return normalOrigin(`${o.slice(0, o.indexOf('//'))}//${host.trim()}`) === o;
  }
}

/** A header quoted in a reply, at most 100 characters of it. */
function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
