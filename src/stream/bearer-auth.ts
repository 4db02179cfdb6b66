import { createHash, timingSafeEqual } from 'node:crypto';

/** Keys of the source's health (IB) that name the account or the gateway: redacted for unauthenticated readers. */
const SECRET_KEYS = new Set(['host', 'port', 'clientId', 'clientIdFallbacks', 'accounts', 'account', 'managedAccounts']);

/** What a redacted value reads as. */
export const REDACTED = 'redacted';

/**
 * The optional bearer token of `mia serve` (`--auth-token-file`, env `MIA_AUTH_TOKEN`; docs/stream.md "Who may
 * connect"). Compared in constant time: both sides are hashed to 32 bytes first, so neither the length nor a
 * prefix of the token leaks through timing.
 */
export class BearerAuth {
  private readonly digest: Buffer | undefined;

  /** `token` undefined: no token configured. */
  constructor(token: string | undefined) {
    this.digest = token === undefined ? undefined : sha256(token);
  }

  /** A token is configured. */
  get required(): boolean {
    return this.digest !== undefined;
  }

  /** The request carries the token: `Authorization: Bearer <token>` or `?token=<token>`. */
  carries(authorization: string, queryToken: string | undefined): boolean {
    if (this.digest === undefined) return false;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const given = m?.[1] ?? queryToken;
    if (given === undefined || given === '') return false;
    return timingSafeEqual(sha256(given), this.digest);
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** A loopback peer (uWS's text of the remote address). */
export function isLoopback(remote: string): boolean {
  return remote.startsWith('127.') || remote === '::1' || remote.startsWith('::ffff:127.') || remote === '0000:0000:0000:0000:0000:0000:0000:0001';
}

/** A copy of `value` with the account and gateway fields (SECRET_KEYS, at any depth) replaced by REDACTED. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k) && v !== null ? REDACTED : redactSecrets(v);
  return out;
}
