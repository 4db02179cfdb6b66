import { createServer, type Server } from 'node:net';
import uWS from 'uWebSockets.js';
import { afterEach, describe, expect, test } from 'vitest';
import { ErrorCode } from '../common/errors.js';
import { EXCLUSIVE_PORT, listenExclusive, listenRefusal } from './exclusive-listen.js';

const held: Server[] = [];
const listening: uWS.us_listen_socket[] = [];

afterEach(async () => {
  for (const ls of listening.splice(0)) uWS.us_listen_socket_close(ls);
  await Promise.all(held.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A plain Node server holding a free loopback port. */
async function holdPort(): Promise<number> {
  const s = createServer();
  held.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as { port: number }).port;
}

describe('listenExclusive (uWS v20.30 listen with LIBUS_LISTEN_EXCLUSIVE_PORT; two processes: test/stream/serve-port.test.ts)', () => {
  test('the native module exports the flag the typings leave out', () => {
    expect(EXCLUSIVE_PORT).toBe(1);
  });

  test('port 0 binds a free port', async () => {
    const ls = await listenExclusive(uWS.App(), '127.0.0.1', 0);
    listening.push(ls);
    expect(uWS.us_socket_local_port(ls)).toBeGreaterThan(0);
  });

  test('a port a Node server holds is PORT_IN_USE, naming host and port', async () => {
    const port = await holdPort();
    await expect(listenExclusive(uWS.App(), '127.0.0.1', port)).rejects.toMatchObject({
      code: ErrorCode.PORT_IN_USE, details: { host: '127.0.0.1', port },
      message: expect.stringContaining(`port ${port} on 127.0.0.1 is already in use`),
    });
  });

  test('a port uWS itself holds is PORT_IN_USE', async () => {
    const ls = await listenExclusive(uWS.App(), '127.0.0.1', 0);
    listening.push(ls);
    await expect(listenExclusive(uWS.App(), '127.0.0.1', uWS.us_socket_local_port(ls))).rejects.toMatchObject({ code: ErrorCode.PORT_IN_USE });
  });

  test('a port past 65535 is refused before uWS takes it modulo 65536', async () => {
    await expect(listenExclusive(uWS.App(), '127.0.0.1', 99999)).rejects.toMatchObject({ code: ErrorCode.BAD_CONFIG });
  });
});

describe('listenRefusal', () => {
  test('an address not on this machine (TEST-NET-1, RFC 5737) is BAD_ARGUMENT with the OS reason, not PORT_IN_USE', async () => {
    const e = await listenRefusal('192.0.2.1', 0);
    expect(e).toMatchObject({ code: ErrorCode.BAD_ARGUMENT, details: { errno: 'EADDRNOTAVAIL' } });
    expect(e.message).toMatch(/^cannot listen on 192\.0\.2\.1:0: /);
  });
});
