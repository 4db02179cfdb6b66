import type { Command } from 'commander';
import type { Logger } from 'pino';
import { IbSource } from '../adapters/ib/ib-source.js';
import { IbOrderRoute } from '../adapters/ib/order-route.js';
import { parseTradingMode } from '../adapters/ib/trading-mode.js';
import { SimSource } from '../adapters/sim/sim-source.js';
import { ReplaySource } from '../adapters/replay/replay-source.js';
import { configError, ErrorCode, isMiaError } from '../common/errors.js';
import { createLogger, prettyLogs } from '../common/logger.js';
import { logSettings } from './log-settings.js';
import { alertMonitor, planAlerts, type AlertHooks } from './serve-alerts.js';
import type { AlertEvent } from '../engine/engine-events.js';
import type { AlertMonitor } from '../alerts/alert-monitor.js';
import { DecisionPipeline } from '../engine/decision-pipeline.js';
import type { MarketSource } from '../engine/market-source.js';
import { BrokerTap } from '../engine/broker-tap.js';
import { IbExecutionVenue } from '../adapters/ib/ib-execution-venue.js';
import { closeIbPositions, entryGuards, paperVenue } from './paper-trading.js';
import { DEFAULT_SIGNAL_ENGINE_CONFIG } from '../signals/signal-engine.js';
import { SnapshotEngine } from '../engine/snapshot-engine.js';
import { LoopHeartbeat } from '../engine/loop-heartbeat.js';
import { DEFAULT_FEATURE_CONFIG } from '../model/bar-features.js';
import { featureMeaning } from '../ml/feature-meaning.js';
import type { ModelWatcher } from '../ml/model-watcher.js';
import { watchModels } from './serve-model-watch.js';
import { loadModelFilter, type ModelFilter } from '../ml/model-ensemble.js';
import { formatTimeframe } from '../model/timeframe-format.js';
import { DEFAULT_RISK_CONFIG } from '../risk/risk-engine.js';
import { MAX_CONTROL_BYTES } from '../protocol/control-protocol.js';
import { PrometheusMetrics } from '../stream/prometheus-metrics.js';
import { StreamPublisher } from '../stream/stream-publisher.js';
import { StreamServer } from '../stream/stream-server.js';
import { checkReplayTickSize, ibSymbols, nonNegative, oneOf, portNumber, positiveNumber, probability, SESSIONS, share, simSymbols, timeframeList, VALUE_AREA_METHODS, wholeNumber } from './options.js';
import { msToNs } from '../model/time.js';
import { Journal } from '../journal/journal.js';
import { journalPath } from './journal-options.js';
import { ShutdownSignals } from './shutdown-signals.js';
import { strategiesOption, tradingHoursOption } from './strategy-options.js';
import { addBusOptions } from './bus-options.js';
import { authToken, hostArg, listOf, origin } from './access-options.js';
import type { ServeOptions } from './serve-options.js';
import { checkModels, servePipelineOptions } from './serve-pipeline.js';
import { openNodeBus } from './serve-bus.js';

function speed(text: string): number | 'max' {
  return text === 'max' ? 'max' : positiveNumber('--speed')(text);
}

/** The source, and with `--source ib --trading paper` the IB paper route registered on it. */
async function openSource(o: ServeOptions, log: Logger, abort: AbortSignal): Promise<{ source: MarketSource; route?: IbOrderRoute }> {
  if (o.source === 'ib') {
    const symbols = ibSymbols(o.symbols ?? 'ES,NQ');
    if (o.speed !== undefined) throw configError(ErrorCode.BAD_ARGUMENT, '--speed is for sim and replay; IB runs on the market\'s clock');
    const ib = await IbSource.open({
      symbols,
      ...(o.ibHost !== undefined ? { host: o.ibHost } : {}),
      ...(o.ibPort !== undefined ? { port: o.ibPort } : {}),
      ...(o.ibClientId !== undefined ? { clientId: o.ibClientId } : {}),
    }, log.child({ source: 'ib' }), abort);
    // The route registers with the source (health under source.trading); the decisions' venue sends through it.
    return o.trading === 'paper' ? { source: ib, route: new IbOrderRoute(ib, { trading: 'paper' }, log.child({ route: 'ib' })) } : { source: ib };
  }
  if (o.source === 'replay') {
    if (!o.input) throw configError(ErrorCode.BAD_ARGUMENT, '--source replay needs --input FILE');
    const names = o.symbols?.split(',').filter(Boolean) ?? [];
    if (names.length > 1) throw configError(ErrorCode.BAD_ARGUMENT, '--symbols: a replay publishes one symbol (choose the instrument with --symbol)');
    const replay = await ReplaySource.open(o.input, {
      speed: o.speed ?? 'max', tickSize: o.tickSize, skipBad: o.skipBad ?? false,
      ...(o.symbol !== undefined ? { symbol: o.symbol } : {}),
      ...(names[0] ? { publishAs: names[0].toUpperCase() } : {}),
    });
    await checkReplayTickSize(o.tickSize, replay);
    return { source: replay };
  }
  const symbols = simSymbols(o.symbols ?? 'ES,NQ');
  if (o.speed === 'max') throw configError(ErrorCode.BAD_ARGUMENT, '--speed max is for replays; the simulator runs on the wall clock (--speed N)');
  return {
    source: new SimSource({
      symbols, seed: o.seed, speed: o.speed ?? 1,
      ...(o.simRate !== undefined ? { ratePerSec: o.simRate } : {}),
    }),
  };
}

/** `mia serve`: the live engine streaming snapshots and closed bars over WebSocket (what `npm start` runs). */
export function serveCommand(program: Command): void {
  const d = DEFAULT_FEATURE_CONFIG;
  const serve = program
    .command('serve')
    .description('run the live engine on a source and stream snapshots and closed bars at ws://HOST:PORT/stream (docs/stream.md)')
    .option('--source <kind>', 'sim (built-in ES/NQ/MES/MNQ market), replay (--input FILE) or ib (TWS / IB Gateway, docs/ib.md)', oneOf('--source', ['sim', 'replay', 'ib'] as const), 'sim')
    .option('--input <file>', 'replay file: .csv, .dbn or .dbn.zst')
    .option('--symbol <symbol>', 'replay: the instrument to read from a file with several (raw symbol or DBN instrument id)')
    .option('--symbols <list>', 'sim: ES, NQ, MES, MNQ (default ES,NQ); ib: ES, NQ; replay: the name to publish under (default: the contract root of the file\'s symbol or name, ESH4 → ES; otherwise the file\'s symbol)')
    .option('--speed <x|max>', 'market seconds per wall second; max (replay only) as fast as the engine goes (default: sim 1, replay max)', speed)
    .option('--sim-rate <n>', 'sim: mean cash-session trades per second per symbol (default: the instrument\'s)', positiveNumber('--sim-rate'))
    .option('--seed <n>', 'sim: seed (same seed, same market)', wholeNumber('--seed'), 1)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <n>', 'port, 0 to 65535 (0: any free port, reported in the log); a port in use is refused', portNumber('--port'), 8080)
    .option('--interval-ms <ms>', 'snapshot interval per symbol; bar closes add their own', positiveNumber('--interval-ms'), 100)
    .option('--timeframe <list>', 'bar timeframes, comma-separated', timeframeList, [...d.timeframesSec])
    .option('--tick-size <price>', 'replay: price row size of footprint and profile (ES, NQ: 0.25 or a whole multiple of it)', positiveNumber('--tick-size'), d.tickSize)
    .option('--grid-rows <n>', 'price rows of each profile grid (default 16384; the grid follows the market, only a session wider than this many ticks is refused)', wholeNumber('--grid-rows'))
    .option('--session <anchor>', 'session start: globex (17:00 CT), rth (09:30 ET), utc', oneOf('--session', SESSIONS), d.session)
    .option('--value-area <share>', 'value-area share of volume (0.7 or 70)', share, d.valueAreaShare)
    .option('--value-area-method <method>', 'cbot2 or greedy1', oneOf('--value-area-method', VALUE_AREA_METHODS), d.valueAreaMethod)
    .option('--threads <n>', 'kernel worker threads', wholeNumber('--threads'), 2)
    .option('--kernels <where>', 'where snapshot kernels run: pool (worker threads) or inline (this thread, lowest latency)',
      oneOf('--kernels', ['pool', 'inline'] as const), 'pool')
    .option('--no-footprint', 'closed-bar frames without footprint rows')
    .option('--snapshot-footprint <list>', 'timeframes whose snapshots carry the footprint of the bar in progress, e.g. 1m,5m (default none: each row is 40 bytes in every frame to every subscriber)',
      (t: string) => (t === '-' ? [] : timeframeList(t)), [] as number[])
    .option('--stale-ms <ms>', 'flag snapshots Stale when the last trade is older than this', positiveNumber('--stale-ms'), 5000)
    .option('--soft-limit-bytes <n>', 'unsent bytes above which a subscriber is conflated', wholeNumber('--soft-limit-bytes'), 256 * 1024)
    .option('--hard-limit-bytes <n>', 'lag in bytes above which a subscriber is closed (4001)', wholeNumber('--hard-limit-bytes'), 4 * 1024 * 1024)
    .option('--max-message-bytes <n>', 'largest control message accepted (larger: close 1009)', wholeNumber('--max-message-bytes'), MAX_CONTROL_BYTES)
    .option('--max-control-per-sec <n>', 'control messages per second before close 1008', wholeNumber('--max-control-per-sec'), 20)
    .option('--allow-origin <origins>', 'browser pages of these origins may use the stream and the HTTP routes, besides the server\'s own (repeatable or comma-separated, e.g. http://trader.local:3000; docs/stream.md)', listOf(origin), [] as string[])
    .option('--allow-host <names>', 'Host header names accepted besides IP addresses, localhost and the --host name (repeatable or comma-separated; a guard against DNS rebinding)', listOf(hostArg), [] as string[])
    .option('--auth-token-file <file>', 'require this bearer token (the file\'s first line, 16 to 512 printable characters) on the stream and every data route: Authorization: Bearer or ?token=; the dashboard as http://HOST:PORT/#token=TOKEN (default: env MIA_AUTH_TOKEN, else no token; docs/stream.md)')
    .option('--max-connections <n>', 'most open WebSockets; more: HTTP 503 on the upgrade', wholeNumber('--max-connections'), 1000)
    .option('--max-slow-bytes <n>', 'unsent bytes of all slow subscribers together above which the slowest is closed (4001)', wholeNumber('--max-slow-bytes'), 256 * 1024 * 1024)
    .option('--ib-host <host>', 'ib: TWS / IB Gateway host (env MIA_IB_HOST; default 127.0.0.1)')
    .option('--ib-port <n>', 'ib: API port: 4002 paper Gateway (default), 4001 live Gateway, 7497 paper TWS, 7496 live TWS (env MIA_IB_PORT)', portNumber('--ib-port', 1))
    .option('--ib-client-id <n>', 'ib: API client id (env MIA_IB_CLIENT_ID; default 0; on 326 the next id is tried)', wholeNumber('--ib-client-id'))
    .option('--trading <mode>', 'off, or paper (needs --signals on): each decision goes through the risk engine as a bracket order; with --source ib to IB as paper orders (paper accounts only; no entries on backfilled history or on Gap/Stale/Disconnected snapshots; positions closed at shutdown, docs/ib.md), with sim or replay to the simulated broker of mia backtest; live trading is not exposed', parseTradingMode, 'off')
    .option('--exit-on-end', 'replay: shut down once the file is streamed')
    .option('--wait-subscribers <n>', 'start the source once n subscribers have subscribed (a replay from its first trade)', wholeNumber('--wait-subscribers'), 0)
    .option('--skip-bad', 'replay: skip malformed rows (counted) instead of stopping')
    .option('--signals <on|off>', 'decisions on signal.<SYMBOL> and the risk state on risk (docs/signals.md)', oneOf('--signals', ['on', 'off'] as const), 'on')
    .option('--models <dir>', 'ML filter: models directory written by mia train (without it the filter is off and decisions say so)')
    .option('--models-watch', 'ML filter: watch --models (a directory or a symlink such as models/current) and swap in a new models directory between two decisions, without a restart, once mia train --challenge approved it (docs/ml.md "Retraining")')
    .option('--ml-threshold <p>', 'approval threshold of the ensemble mean (default: the manifest\'s)', probability('--ml-threshold'))
    .option('--drift-threshold <psi>', 'feature drift: PSI at or above which a decision is flagged (default 0.25; needs models trained with bins)', positiveNumber('--drift-threshold'))
    .option('--drift-window <n>', 'feature drift: decisions per symbol in the rolling window (default 1000)', wholeNumber('--drift-window'))
    .option('--balance <usd>', 'risk: starting balance (without --trading paper decisions are recorded and no order is sent)', positiveNumber('--balance'), 25_000)
    .option('--win-probability <p>', 'risk: Kelly win probability without an ML filter', probability('--win-probability'), 0.5)
    .option('--daily-loss-limit <usd>', 'risk: loss of one trade date at which entries stop', positiveNumber('--daily-loss-limit'), DEFAULT_RISK_CONFIG.dailyLossLimit)
    .option('--max-position <n>', 'risk: largest position per symbol, contracts', wholeNumber('--max-position'), DEFAULT_RISK_CONFIG.maxPosition)
    .option('--stop-ticks <n>', 'risk: stop distance in ticks (default: the risk engine\'s)', positiveNumber('--stop-ticks'))
    .option('--target-ticks <n>', 'risk: target distance in ticks (default: the risk engine\'s)', positiveNumber('--target-ticks'))
    .option('--long-threshold <x>', 'signals: Battle Navale score for long', Number)
    .option('--short-threshold <x>', 'signals: Battle Navale score for short (negative)', Number)
    .option('--min-confidence <x>', 'signals: minimum signal confidence', probability('--min-confidence'))
    .addOption(strategiesOption())
    .addOption(tradingHoursOption())
    .option('--journal <path|off>', 'DuckDB journal of sessions, decisions, orders, fills, trades, risk events, 1m bars and snapshots (docs/journal.md); an existing journal is continued; off: none (default: env MIA_JOURNAL, else ./mia-journal.duckdb)',
      process.env.MIA_JOURNAL ?? './mia-journal.duckdb')
    .option('--journal-snapshot-ms <ms>', 'journal: one snapshot row per symbol per this many ms of market time (0: none)', nonNegative('--journal-snapshot-ms'), 1000)
    .option('--alerts <file|off>', 'alert rules: a JSON file of thresholds over the defaults (docs/alerts.md), or off; alerts go on the alert topic and /health, and to the webhooks named by MIA_ALERT_WEBHOOK_URL and MIA_ALERT_DISCORD_URL (environment only, never an option) (default: the documented defaults)')
    .addHelpText('after', [
      '',
      'Examples:',
      '  mia serve                                   # ES and NQ on the simulator at ws://127.0.0.1:8080/stream',
      '  mia serve --source replay --input ../shared/data/cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst --speed max --wait-subscribers 1',
      '                                              # published as ES; starts when the first client subscribes',
      '  mia serve --source ib --ib-port 4002           # ES and NQ front months from a paper IB Gateway',
      '  mia serve --source ib --ib-port 4002 --trading paper --max-position 1   # and paper brackets on its decisions',
      '',
    ].join('\n'))
    .action(async (o: ServeOptions, cmd: Command) => {
      const log = createLogger('mia', logSettings(cmd));
      const token = authToken(o);
      // Signals are handled from the first line: SIGTERM during start-up also ends with a final status, in bounded time.
      const shutdown = new ShutdownSignals(log).install();
      if (o.signals === 'off' && o.models !== undefined) throw configError(ErrorCode.BAD_ARGUMENT, '--models needs --signals on');
      if (o.modelsWatch && o.models === undefined) throw configError(ErrorCode.BAD_ARGUMENT, '--models-watch needs --models DIR');
      // Models load before the source opens: a bad models directory fails fast, before any connection.
      const filter = o.signals === 'on'
        ? await loadModelFilter(o.models, o.mlThreshold !== undefined ? { threshold: o.mlThreshold } : {})
        : undefined;
      for (const w of filter?.ensemble?.warnings ?? []) {
        log.warn({ code: w.code, ...(w.model ? { model: w.model } : {}), dir: o.models, detail: w.message }, 'Models loaded with a training warning');
      }
      if (filter?.ensemble?.manifest.neural) log.info({ dir: o.models, enabled: filter.ensemble.neural !== null, reason: filter.ensemble.manifest.neural.reason }, 'Neural models read');
      // Alert rules and webhook URLs are read before the source opens: a bad file or URL fails fast.
      const alertPlan = await planAlerts(o.alerts, process.env);
      // --bus: the cluster is reached before the source opens (an unreachable NATS fails fast, coded).
      const bus = await openNodeBus(o, log);
      const paper = o.trading === 'paper';
      if (paper && !filter) throw configError(ErrorCode.BAD_ARGUMENT, '--trading paper needs --signals on');
      // IB paper: no entry on a snapshot older than this (its history, backfilled at start, only warms up).
      const startedNs = msToNs(Date.now());
      let pipeline: DecisionPipeline | undefined;
      let modelWatch: ModelWatcher | undefined;
      const opened = await openSource(o, log, shutdown.signal).catch((e: unknown) => {
        if (shutdown.requested) return undefined;
        throw e;
      });
      if (!opened) {
        // Nothing is serving yet: the final status is the log's.
        log.info({ why: await shutdown.stopped, during: 'start-up' }, 'Shutting down');
        log.info({ final: true, sourceState: 'stopped', wasRunning: false }, 'Stopped during start-up');
        await bus?.close();
        filter?.ensemble?.close();
        shutdown.finished();
        return;
      }
      const features = {
        tickSize: o.tickSize, timeframesSec: o.timeframe, valueAreaShare: o.valueArea, valueAreaMethod: o.valueAreaMethod,
        imbalanceRatio: d.imbalanceRatio, imbalanceMinVolume: d.imbalanceMinVolume, stackedLevels: d.stackedLevels, session: o.session,
      };
      if (filter?.ensemble) await checkModels(filter.ensemble, opened.source, features, o, log);
      // The journal opens before the engine: one that cannot be opened or written stops the start, coded.
      const journal = await openServeJournal(o, filter, log).catch(async (e: unknown) => {
        await opened.source.close();
        filter?.ensemble?.close();
        throw e;
      });
      // Paper trading: the venue (simulated broker, or IB paper with --source ib) sees every trade the engine takes.
      const venue = paper ? paperVenue(opened.route, () => pipeline?.risk) : undefined;
      const live = venue instanceof IbExecutionVenue ? venue : undefined;
      const source = venue
        ? new BrokerTap(opened.source, venue, {
          holding: () => pipeline?.holding() ?? false, drain: () => pipeline!.settle(),
          // IB: positions close while the connection is still up (the engine has stopped, the source not yet).
          ...(live ? { beforeClose: () => closeIbPositions(pipeline, live, log.child({ stage: 'paper' })) } : {}),
        })
        : opened.source;
      const topics = new Set<string>(['status', 'alert']);
      if (filter) topics.add('risk');
      for (const i of source.instruments) {
        topics.add(`snapshot.${i.symbol}`);
        if (filter) topics.add(`signal.${i.symbol}`);
        for (const sec of o.timeframe) topics.add(`bar.${i.symbol}.${formatTimeframe(sec)}`);
      }
      const server = new StreamServer({
        host: o.host, port: o.port, topics, softLimitBytes: o.softLimitBytes, hardLimitBytes: o.hardLimitBytes,
        maxMessageBytes: o.maxMessageBytes, maxControlPerSec: o.maxControlPerSec, session: o.session,
        allowOrigins: o.allowOrigin, allowHosts: o.allowHost, maxConnections: o.maxConnections, totalSlowBytes: o.maxSlowBytes, ...(token !== undefined ? { authToken: token } : {}),
      }, log);
      // The engine thread's heartbeat, read by the watchdog thread (docs/hostile-input.md "Engine loop").
      const heartbeat = new LoopHeartbeat();
      // --bus: frames of the owned symbols also go to NATS, and their trades to the trades stream.
      const busSink = bus?.sink(server, o.timeframe);
      const engine = new SnapshotEngine(bus ? bus.tapTrades(source) : source, {
        config: features, loopStages: heartbeat, ...(o.kernels === 'inline' ? { debugStallMs: debugStallMs(process.env) } : {}),
        intervalMs: o.intervalMs, threads: o.threads, kernels: o.kernels, ...(o.gridRows !== undefined ? { gridRows: o.gridRows } : {}),
        footprint: o.footprint, liveFootprintSec: o.snapshotFootprint, staleMs: o.staleMs, delivery: () => server.counters(),
      }, log);
      // The publisher subscribes first: a snapshot's frame leaves before the decision made on it.
      // With a journal, the risk state goes out once its orders, fills and risk events are committed.
      const publisher = new StreamPublisher(engine.events, engine.memory, busSink ?? server, journal);
      journal?.attach(engine.events, true);
      if (filter) {
        const stageLog = log.child({ stage: 'decisions' });
        pipeline = new DecisionPipeline({
          ...servePipelineOptions(o, filter, source.instruments.map((i) => i.symbol)),
          ...(venue ? { venue, tradingLog: stageLog.child({ trading: 'paper' }) } : {}),
          ...entryGuards(live !== undefined, bus !== undefined, startedNs, o.staleMs),
        }, stageLog).attach(engine.events);
        if (venue && journal) journal.trade(venue, () => pipeline?.trader?.trades ?? []);
        log.info({
          filter: filter.status.enabled ? filter.ensemble!.status() : filter.status.reason,
          drift: pipeline.drift ? pipeline.drift.config : 'off (no models, or a manifest without training bins)',
        }, 'Decision pipeline ready');
        if (o.modelsWatch && filter.ensemble) {
          modelWatch = await watchModels({ path: o.models!, initial: filter.ensemble, pipeline, bus: engine.events, log: log.child({ stage: 'models' }),
            check: (e) => e.mismatch(featureMeaning({ ...features, tickSize: opened.source.instruments[0]?.tickSize ?? o.tickSize }, o.footprint, DEFAULT_SIGNAL_ENGINE_CONFIG)),
            ...(o.mlThreshold !== undefined ? { threshold: o.mlThreshold } : {}) });
        }
      }
      // The journal records every alert event and reports its lag; the engine scores each symbol's data quality.
      const alertHooks: AlertHooks = {
        ...(journal ? {
          onAlert: (a: AlertEvent) => journal.alert({ tsMs: a.atMs, rule: a.rule, state: a.state, severity: a.severity, message: a.message, value: a.value, symbol: a.symbol }),
          journalLag: () => journal.stats(),
        } : {}),
        dataQuality: () => Object.fromEntries(engine.symbolStats().flatMap((x) => (x.dataQuality.score === null ? [] : [[x.symbol, x.dataQuality.score]]))),
      };
      const alerts = alertPlan
        ? alertMonitor(alertPlan, { engine, publisher, source, pipeline: () => pipeline, hooks: alertHooks }, log.child({ stage: 'alerts' }))
        : undefined;
      server.setHealthSource(() => {
        // The status carries the source's own health (sourceDetail): /health shows it as `source` too, asked once.
        const status = engine.status();
        const p = pipeline?.health();
        return {
          status, stages: { ...engine.stageStats(), ...publisher.stageStats() }, source: status.sourceDetail, symbols: engine.symbolStats(),
          decisions: p
            ? { filter: p.filter, counts: p.counts, latencyUs: publisher.decisionLatencyUs(), ...(p.trading ? { trading: p.trading } : {}), ...(p.drift ? { drift: p.drift } : {}),
              ...(modelWatch ? { modelSwaps: modelWatch.stats() } : {}) }
            : { filter: { enabled: false, reason: '--signals off' } },
          risk: pipeline?.riskState() ?? null,
          journal: journal?.stats() ?? { state: 'off' },
          alerts: alerts?.health() ?? { enabled: false },
          engineLoop: heartbeat.stats(),
          ...(bus ? { bus: bus.health() } : {}),
        };
      });
      server.setMetrics(serveMetrics(engine, publisher, server, pipeline, journal, alerts, log, heartbeat));
      try {
        await server.listen();
      } catch (e) {
        // A taken port: the source, workers and models opened above would keep the process alive.
        await alerts?.stop(0);
        await engine.stop();
        filter?.ensemble?.close();
        await journal?.close({ error: isMiaError(e) ? e.code : String(e) });
        throw e;
      }
      // What to open, as a person reads it at start: a wildcard bind is reached on loopback.
      const at = `${o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host.includes(':') ? `[${o.host}]` : o.host}:${server.port}`;
      log.info({
        dashboard: `http://${at}/`, stream: `ws://${at}/stream`, health: `http://${at}/health`, metrics: `http://${at}/metrics`,
        snapshots: source.instruments.map((i) => `http://${at}/snapshot/${i.symbol}`),
        auth: token !== undefined ? 'token required (dashboard: add #token=TOKEN)' : 'none',
      }, 'Serving: open these URLs');
      // Signals are handled since the first line (ShutdownSignals): one while waiting, or once "Engine started" is
      // logged but before start() has returned, shuts down gracefully (the journal's session closed cleanly).
      const stop = shutdown.stopped;
      // A signal during the rest of the start (models, journal, listen) skips the wait and the engine's start.
      let why: string | undefined = shutdown.requested ? await stop : undefined;
      if (why === undefined && o.waitSubscribers > 0) {
        log.info({ subscribers: o.waitSubscribers }, 'Waiting for subscribers before starting the source');
        why = await Promise.race([server.waitForSubscribers(o.waitSubscribers).then(() => undefined), stop]);
      }
      if (why === undefined) {
        await bus?.start(source.instruments.map((i) => i.symbol));
        await engine.start();
        // From here to the end of shutdown the watchdog thread watches this one (the warm-up before is synthetic data).
        heartbeat.start(log, { pretty: prettyLogs(logSettings(cmd)) });
        alerts?.start();
        // A replay that ends stays up for its subscribers unless --exit-on-end; a failed source shuts down at once.
        const ended = engine.done.then(() => (engine.sourceError ? 'source error' : o.exitOnEnd ? 'end of input' : new Promise<string>(() => undefined)));
        why = await Promise.race([stop, ended]);
      }
      log.info({ why }, 'Shutting down');
      // No evaluation while the engine stops (a closed source reads as disconnected); what the outboxes hold
      // gets a couple of seconds to leave while the engine winds down.
      const alertsClosed = alerts?.stop(2000);
      shutdown.stage('engine');
      // IB paper: closing the source first closes the positions (BrokerTap's beforeClose, closeIbPositions).
      await engine.stop();
      // Decisions still waiting go out before the sockets close (paper on sim or replay: open positions then
      // close at the last price, as at a backtest's end; IB paper finished above, a failure logged there), then
      // the paper trading result is logged (IB: by closeIbPositions).
      shutdown.stage('decisions');
      if (!live) {
        await pipeline?.finish();
        pipeline?.logTradingResult();
      }
      await modelWatch?.stop();
      filter?.ensemble?.close();
      shutdown.stage('journal');
      // Everything journaled is committed (and the risk states waiting on it published) before the sockets close.
      await journal?.close(pipeline ? { trading: pipeline.trader?.result(source.instruments.map((i) => i.symbol)) ?? null, decisions: pipeline.counts } : null);
      shutdown.stage('alerts');
      await alertsClosed;
      await bus?.close();
      shutdown.stage('sockets');
      // Let the final status frame leave before the sockets close.
      await new Promise((r) => setTimeout(r, 50));
      server.close();
      shutdown.finished();
      await heartbeat.stop();
      const failed = engine.sourceError;
      if (failed) throw isMiaError(failed) ? failed : configError(ErrorCode.WORKER_FAILED, failed instanceof Error ? failed.message : String(failed));
    });
  addBusOptions(serve);
}

/**
 * The debug hook `MIA_DEBUG_STALL_MS` (docs/hostile-input.md "Engine loop"): milliseconds an inline kernel task
 * stalls the engine thread once, to see the loop watchdog act; 0 when unset. Not for production.
 */
function debugStallMs(env: NodeJS.ProcessEnv): number {
  const text = env.MIA_DEBUG_STALL_MS;
  if (text === undefined || text === '') return 0;
  return wholeNumber('MIA_DEBUG_STALL_MS')(text);
}

/** The journal of `--journal` (none with `off`), its session row recording the run's options and model hashes. */
async function openServeJournal(o: ServeOptions, filter: ModelFilter | undefined, log: Logger): Promise<Journal | undefined> {
  const path = journalPath(o.journal);
  if (path === undefined) return undefined;
  const hashes = filter?.ensemble?.manifest.models.map((m) => m.sha256) ?? [];
  return Journal.open(path, { command: 'serve', startedMs: Date.now(), config: JSON.stringify(o), modelHashes: hashes },
    { snapshotMs: o.journalSnapshotMs }, log.child({ stage: 'journal' }));
}

/**
 * GET /metrics of `mia serve`: every family read at scrape time from the engine's, the publisher's, the server's
 * and the pipeline's own counters (docs/metrics.md); the journal and alert hooks are added where those exist.
 */
function serveMetrics(engine: SnapshotEngine, publisher: StreamPublisher, server: StreamServer, pipeline: DecisionPipeline | undefined, journal: Journal | undefined,
  alerts: AlertMonitor | undefined, log: Logger, heartbeat: LoopHeartbeat): PrometheusMetrics {
  const { decision, ...publishing } = publisher.latencyWindows();
  const stages = { ...engine.stageWindows(), ...publishing };
  const metrics = new PrometheusMetrics({
    status: () => engine.status(), symbols: () => engine.symbolStats(), pool: () => engine.poolStats(), stages: () => stages,
    delivery: () => server.deliveryStats(), loop: () => heartbeat.stats(),
    ...(pipeline ? { decisions: () => ({ counts: pipeline.counts, latency: decision }), risk: () => pipeline.riskState() } : {}),
    ...(journal ? { journal: () => journal.stats() } : {}),
    ...(alerts ? { alerts: () => alerts.metrics() } : {}),
  }, log.child({ stage: 'metrics' }));
  if (pipeline) metrics.tapDecisions(engine.events);
  return metrics;
}
