import { createServer } from 'node:net';
import uWS from 'uWebSockets.js';
import { configError, ErrorCode, type MiaError } from '../common/errors.js';

/**
 * uWS v20.30's native `listen(host, port, options, cb)` and its `LIBUS_LISTEN_EXCLUSIVE_PORT` flag, which the
 * package's index.d.ts does not declare (it has the options only without a host, and the flag only as an enum
 * that does not exist at run time). The stream's listen test holds us to them.
 */
interface ListenWithOptions {
  listen(host: string, port: number, options: number, cb: (ls: uWS.us_listen_socket | false) => void): unknown;
}

/** The exclusive-port flag, undefined on a uWS build without it. */
export const EXCLUSIVE_PORT: number | undefined = (uWS as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT?: number }).LIBUS_LISTEN_EXCLUSIVE_PORT;

/**
 * Listens on `host:port` alone. uWS listens with SO_REUSEPORT by default, so a second server on a taken port
 * would report success and share the port with the first (two `mia serve --port 9000` both "listening");
 * the exclusive flag makes the second one fail. Resolves with the listen socket, or rejects with the reason
 * the OS gives ({@link listenRefusal}).
 */
export function listenExclusive(app: uWS.TemplatedApp, host: string, port: number): Promise<uWS.us_listen_socket> {
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    // uWS would take the port modulo 65536 (99999 binds 34463).
    return Promise.reject(configError(ErrorCode.BAD_CONFIG, `port must be a whole number from 0 to 65535, not ${port}`, { port }));
  }
  if (EXCLUSIVE_PORT === undefined) {
    return Promise.reject(configError(ErrorCode.BAD_CONFIG, 'this uWebSockets.js build has no LIBUS_LISTEN_EXCLUSIVE_PORT: refusing to share a port'));
  }
  return new Promise((resolve, reject) => {
    (app as unknown as ListenWithOptions).listen(host, port, EXCLUSIVE_PORT, (ls) => {
      if (ls) resolve(ls);
      else void listenRefusal(host, port).then(reject);
    });
  });
}

/**
 * Why `host:port` cannot be listened on. uWS only answers `false`, so a plain Node server asks the OS for the
 * errno: EADDRINUSE is PORT_IN_USE, anything else (EADDRNOTAVAIL for an address not on this machine, EACCES
 * for a privileged port) is BAD_ARGUMENT with the OS's words.
 */
export function listenRefusal(host: string, port: number): Promise<MiaError> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => {
      resolve(e.code === 'EADDRINUSE'
        ? configError(ErrorCode.PORT_IN_USE, `port ${port} on ${host} is already in use (another mia serve or another program listens on it): choose another --port, or --port 0 for any free port`, { host, port })
        : configError(ErrorCode.BAD_ARGUMENT, `cannot listen on ${host}:${port}: ${e.message}`, { host, port, errno: e.code }));
    });
    // Free again by now (its holder just closed it): the refusal's reason is gone with it.
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(
      configError(ErrorCode.BAD_ARGUMENT, `cannot listen on ${host}:${port} (refused, but free when asked again: try again)`, { host, port }),
    )));
  });
}
