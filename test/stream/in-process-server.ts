// A StreamServer in the test's own process on port 0, with small limits and no dashboard build, as the
// stream tests and fuzzers drive it with real clients; stopped after each test by stopServers().
import { pino } from 'pino';
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
