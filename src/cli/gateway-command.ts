import type { Command } from 'commander';
import { BusFeed } from '../bus/bus-feed.js';
import { BusLink } from '../bus/bus-connection.js';
import { ErrorCode, configError } from '../common/errors.js';
import { createLogger } from '../common/logger.js';
import { DEFAULT_FEATURE_CONFIG } from '../model/bar-features.js';
import { formatTimeframe } from '../model/timeframe-format.js';
import { MAX_CONTROL_BYTES } from '../protocol/control-protocol.js';
import { StreamServer } from '../stream/stream-server.js';
import { addBusOptions, busConnection, busLimits, type BusCliOptions } from './bus-options.js';
import { ensureStreams } from '../bus/bus-streams.js';
import { logSettings } from './log-settings.js';
import { oneOf, portNumber, SESSIONS, timeframeList, wholeNumber } from './options.js';
import { authToken, hostArg, listOf, origin } from './access-options.js';
import { ShutdownSignals } from './shutdown-signals.js';
import type { SessionAnchor } from '../model/bar-features.js';

interface GatewayOptions extends BusCliOptions {
  host: string;
  port: number;
  symbols: string;
  timeframe: number[];
  session: SessionAnchor;
  softLimitBytes: number;
  hardLimitBytes: number;
  maxMessageBytes: number;
  maxControlPerSec: number;
  allowOrigin: string[];
  allowHost: string[];
  authTokenFile?: string;
  maxConnections: number;
  maxSlowBytes: number;
}

/** The topics a gateway accepts from the start (more are added as the bus shows them). */
function gatewayTopics(symbols: readonly string[], timeframes: readonly number[]): Set<string> {
  const topics = new Set<string>(['status', 'alert', 'risk']);
  for (const s of symbols) {
    topics.add(`snapshot.${s}`);
    topics.add(`signal.${s}`);
    for (const sec of timeframes) topics.add(`bar.${s}.${formatTimeframe(sec)}`);
  }
  return topics;
}

/**
 * `mia gateway`: the stream protocol and HTTP routes of docs/stream.md for every symbol of a cluster, fed from
 * NATS (README "Scale out"). Runs no engine: snapshots and statuses from plain subjects, closed bars, decisions
 * and alerts from JetStream; the same backpressure policy as `mia serve`. Several can run behind a load balancer.
 */
export function gatewayCommand(program: Command): void {
  const d = DEFAULT_FEATURE_CONFIG;
  const gateway = program
    .command('gateway')
    .description('serve ws://HOST:PORT/stream and the HTTP routes of docs/stream.md for all symbols of a NATS cluster of mia serve --bus nodes')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <n>', 'port, 0 to 65535 (0: any free port, reported in the log)', portNumber('--port'), 8080)
    .option('--symbols <list>', 'symbols accepted from the start (others are accepted once the bus shows them)', 'ES,NQ')
    .option('--timeframe <list>', 'bar timeframes accepted from the start, comma-separated', timeframeList, [...d.timeframesSec])
    .option('--session <anchor>', 'the nodes\' session anchor: GET /bars holds the current session\'s bars', oneOf('--session', SESSIONS), d.session)
    .option('--soft-limit-bytes <n>', 'unsent bytes above which a subscriber is conflated', wholeNumber('--soft-limit-bytes'), 256 * 1024)
    .option('--hard-limit-bytes <n>', 'lag in bytes above which a subscriber is closed (4001)', wholeNumber('--hard-limit-bytes'), 4 * 1024 * 1024)
    .option('--max-message-bytes <n>', 'largest control message accepted (larger: close 1009)', wholeNumber('--max-message-bytes'), MAX_CONTROL_BYTES)
    .option('--max-control-per-sec <n>', 'control messages per second before close 1008', wholeNumber('--max-control-per-sec'), 20)
    .option('--allow-origin <origins>', 'browser origins allowed besides the gateway\'s own (as mia serve)', listOf(origin), [] as string[])
    .option('--allow-host <names>', 'Host header names accepted besides IP addresses, localhost and --host (as mia serve)', listOf(hostArg), [] as string[])
    .option('--auth-token-file <file>', 'require this bearer token on the stream and every data route (as mia serve; default env MIA_AUTH_TOKEN)')
    .option('--max-connections <n>', 'most open WebSockets; more: HTTP 503 on the upgrade', wholeNumber('--max-connections'), 1000)
    .option('--max-slow-bytes <n>', 'unsent bytes of all slow subscribers together above which the slowest is closed (4001)', wholeNumber('--max-slow-bytes'), 256 * 1024 * 1024)
    .addHelpText('after', '\nExample:\n  mia gateway --bus nats://127.0.0.1:4222 --port 8080   # every symbol of the cluster at ws://127.0.0.1:8080/stream')
    .action(async (o: GatewayOptions, cmd: Command) => {
      const log = createLogger('mia', logSettings(cmd));
      if (o.bus === undefined) throw configError(ErrorCode.BAD_ARGUMENT, 'mia gateway needs --bus nats://HOST:PORT');
      const token = authToken(o);
      const shutdown = new ShutdownSignals(log).install();
      const link = await BusLink.open(busConnection(o, 'mia-gateway', process.env), log.child({ stage: 'bus' }));
      // The streams exist before the consumers, whichever of gateway and nodes starts first.
      await ensureStreams(await link.nc.jetstreamManager(), busLimits(o), false).catch(async (e: unknown) => {
        await link.close();
        throw configError(ErrorCode.BUS_CONNECT, `--bus ${o.bus}: JetStream unavailable (${e instanceof Error ? e.message : String(e)}); start nats-server with -js`);
      });
      const symbols = o.symbols.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
      const topics = gatewayTopics(symbols, o.timeframe);
      const server = new StreamServer({
        host: o.host, port: o.port, topics, softLimitBytes: o.softLimitBytes, hardLimitBytes: o.hardLimitBytes,
        maxMessageBytes: o.maxMessageBytes, maxControlPerSec: o.maxControlPerSec, session: o.session,
        allowOrigins: o.allowOrigin, allowHosts: o.allowHost, maxConnections: o.maxConnections, totalSlowBytes: o.maxSlowBytes, ...(token !== undefined ? { authToken: token } : {}),
      }, log);
      const feed = new BusFeed(link.nc, server, topics, log.child({ stage: 'bus' }));
      const startedMs = Date.now();
      server.setHealthSource(() => {
        const f = feed.stats();
        const bus = { link: link.linkStats(), received: f };
        const c = server.counters();
        return {
          status: {
            uptimeSec: Math.round((Date.now() - startedMs) / 1000), source: 'bus', sourceState: link.up ? 'running' : 'disconnected', feedLagMs: 0,
            poolInFlight: 0, poolTasks: 0, tradesTotal: 0, snapshotsTotal: f.snapshots, barsTotal: f.bars, ...c, final: false, errors: 0,
            sourceConnected: link.up, sourceDetail: bus, contentHashes: [],
          },
          stages: {}, source: bus,
        };
      });
      await feed.start();
      await server.listen();
      log.info({ stream: `ws://${o.host}:${server.port}/stream`, health: `http://${o.host}:${server.port}/health`, bus: o.bus }, 'Gateway serving the cluster');
      const why = await shutdown.stopped;
      log.info({ why }, 'Shutting down');
      feed.stop();
      await link.close();
      server.close();
      shutdown.finished();
    });
  addBusOptions(gateway);
}
