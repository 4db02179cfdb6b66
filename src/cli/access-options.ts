import { readFileSync } from 'node:fs';
import { configError, ErrorCode } from '../common/errors.js';
import { normalOrigin } from '../stream/request-guard.js';

// Options of who may reach a server (`mia serve`, `mia gateway`): the bearer token, allowed origins and hosts.

/**
 * The bearer token of `--auth-token-file FILE` (first line, trimmed) or else env `MIA_AUTH_TOKEN`; never an option
 * value, which any user of the machine could read in the process list. Never logged.
 */
export function authToken(o: { authTokenFile?: string }): string | undefined {
  let token: string | undefined;
  let from: string;
  if (o.authTokenFile !== undefined) {
    from = `--auth-token-file ${o.authTokenFile}`;
    try {
      token = readFileSync(o.authTokenFile, 'utf8').split('\n')[0]!.trim();
    } catch (e) {
      throw configError(ErrorCode.BAD_ARGUMENT, `${from}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  } else {
    from = 'MIA_AUTH_TOKEN';
    token = process.env.MIA_AUTH_TOKEN?.trim();
    if (token === undefined) return undefined;
  }
  if (!/^[\x21-\x7e]{16,512}$/.test(token)) throw configError(ErrorCode.BAD_ARGUMENT, `${from}: the token must be 16 to 512 printable characters without spaces`);
  return token;
}

/** A repeatable, comma-separated list option: each use adds its items. */
export function listOf(check: (item: string) => string) {
  return (text: string, previous: string[]): string[] => [...previous, ...text.split(',').map((x) => x.trim()).filter(Boolean).map(check)];
}

/** `--allow-origin`: an http(s) origin, `scheme://host[:port]`. */
export function origin(text: string): string {
  const o = normalOrigin(text);
  if (o === undefined) throw configError(ErrorCode.BAD_ARGUMENT, `--allow-origin must be an http or https origin such as http://trader.example:3000, got "${text}"`);
  return o;
}

/** `--allow-host`: a host name (a port is ignored). */
export function hostArg(text: string): string {
  if (!/^[A-Za-z0-9.\-:[\]]+$/.test(text)) throw configError(ErrorCode.BAD_ARGUMENT, `--allow-host must be a host name such as mia.local, got "${text}"`);
  return text;
}
