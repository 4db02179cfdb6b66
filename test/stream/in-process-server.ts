// A StreamServer in the test's own process on port 0, with small limits and no dashboard build, as the
// stream tests and fuzzers drive it with real clients; stopped after each test by stopServers().
import { request } from 'node:http';
import { pino } from 'pino';
import WebSocket from 'ws';
import { StreamServer, type HealthSource, type StreamServerOptions } from '../../src/stream/stream-server.js';

const servers: StreamServer[] = [];

/** Starts a server (options over the tests' defaults, `/health` from `health`); resolves with it once it listens. */
export async function startServer(o: Partial<StreamServerOptions> = {}, health: HealthSource = () => ({ status: {} as never, stages: {} })):
  Promise<{ server: StreamServer; port: number }> {
  const server = new StreamServer({
    host: '127.0.0.1', port: 0, topics: new Set(['status']), softLimitBytes: 64 * 1024, hardLimitBytes: 1024 * 1024,
    maxMessageBytes: 4096, maxControlPerSec: 20, session: 'globex', webRoot: '/nonexistent', ...o,
  }, pino({ level: 'silent' }));
  servers.push(server);
  server.setHealthSource(health);
  return { server, port: await server.listen() };
}

/** Closes every server startServer made. */
export function stopServers(): void {
  for (const s of servers.splice(0)) s.close();
}

/** GET `path` from `host:port` with the headers given (Host among them, which fetch cannot set). */
export function get(port: number, path: string, headers: Record<string, string> = {}, host = '127.0.0.1'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request({ host, port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    r.on('error', reject);
    r.end();
  });
}

/** Opens the WebSocket at `url` with the headers given: 'open', or the HTTP status it was refused with. */
export function upgrade(url: string, headers: Record<string, string> = {}): Promise<number | 'open'> {
  const ws = new WebSocket(url, { headers });
  return new Promise((resolve) => {
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}
