import type { Command } from 'commander';
import { backtestOutputSpec, writeBacktestOutputs } from '../backtest/backtest-output.js';
import { checkOutputFolder } from '../common/atomic-output.js';
import { runBacktest, type BacktestOptions } from '../backtest/backtest-runner.js';
import type { DecisionScorer } from '../engine/decision-pipeline.js';
import type { MiaError } from '../common/errors.js';
import { featureMeaning, type FeatureMeaning } from '../ml/feature-meaning.js';
import { ModelEnsemble } from '../ml/model-ensemble.js';
import { DEFAULT_FEATURE_CONFIG } from '../model/bar-features.js';
import { DEFAULT_SIGNAL_ENGINE_CONFIG } from '../signals/signal-engine.js';
import { warningLine, type ModelWarning } from '../ml/model-warnings.js';
import { DEFAULT_RISK_CONFIG } from '../risk/risk-engine.js';
import { DEFAULT_BATTLE_NAVALE_CONFIG } from '../signals/battle-navale.js';
import { isoTime, nonNegative, positiveNumber, probability, wholeNumber } from './options.js';
import { msToNs } from '../model/time.js';
import { pino } from 'pino';
import { Journal } from '../journal/journal.js';
import { strategiesOption, strategyConfig, strategyLines, tradingHoursOption, type StrategyCliOptions } from './strategy-options.js';

interface BacktestCliOptions extends StrategyCliOptions {
  input: string;
  out: string;
  models?: string;
  mlThreshold?: number;
  from?: bigint;
  to?: bigint;
  symbol?: string;
  instrument?: string;
  balance: number;
  winProbability: number;
  stopTicks: number;
  targetTicks: number;
  maxPosition: number;
  dailyLossLimit: number;
  maxConsecutiveLosses: number;
  minBalance: number;
  latencyUs: number;
  slippageTicks: number;
  commission: number;
  queueAhead?: number;
  longThreshold: number;
  shortThreshold: number;
  minConfidence: number;
  skipBad?: boolean;
  progress?: boolean;
  journal?: string;
  journalSnapshotMs: number;
}

/** The ML filter of `--models DIR`: a scoring function and what the run records about the models. */
interface MlFilter {
  scorer: DecisionScorer;
  hashes: string[];
  /** The manifest's training warnings, repeated on stderr and in metrics.json. */
  warnings: readonly ModelWarning[];
  missingFeature: number;
  /** MIA_ERR_MODEL_MISMATCH when the run computes the features otherwise than the models learnt them. */
  mismatch(run: FeatureMeaning): MiaError | undefined;
  recordsMeaning: boolean;
  close(): void;
}

/** Loads the ensemble `mia train` wrote (a directory that does not match its manifest is refused, coded). */
async function loadMlFilter(dir: string, threshold: number | undefined): Promise<MlFilter> {
  const e = await ModelEnsemble.load(dir, threshold !== undefined ? { threshold } : {});
  return {
    scorer: e, hashes: e.manifest.models.map((m) => m.sha256), warnings: e.warnings, missingFeature: e.manifest.missingFeatureValue,
    mismatch: (run) => e.mismatch(run), recordsMeaning: e.recordsMeaning, close: () => e.close(),
  };
}

/** What a backtest's features mean: the replay schedule's kernel settings, footprints, the default signals. */
function backtestMeaning(): FeatureMeaning {
  return featureMeaning(DEFAULT_FEATURE_CONFIG, true, DEFAULT_SIGNAL_ENGINE_CONFIG);
}

/** Parses an ISO-8601 time (`2023-12-25T23:30:00Z`) to ns since the epoch. */
function isoTimeNs(flag: string) {
  const ms = isoTime(flag);
  return (text: string): bigint => msToNs(ms(text));
}

/** `mia backtest`: the live decision pipeline over a replay, trades and metrics into a folder. */
export function backtestCommand(program: Command): void {
  const r = DEFAULT_RISK_CONFIG;
  const bn = DEFAULT_BATTLE_NAVALE_CONFIG;
  program
    .command('backtest')
    .description('run signals, the ML filter, risk and the simulated broker over a trade file; write trades (CSV, Parquet) and metrics (JSON)')
    .requiredOption('--input <file>', 'trade file: .csv, .dbn or .dbn.zst')
    .requiredOption('--out <dir>', 'folder for trades.csv, trades.parquet, metrics.json and the _COMPLETE marker, written all or nothing ' +
      '(checked before the run; a previous output there is replaced, a folder of other files refused)')
    .option('--models <dir>', 'ML filter: models directory written by mia train')
    .option('--ml-threshold <p>', 'approval threshold of the ensemble mean (default: the manifest\'s)', probability('--ml-threshold'))
    .option('--from <iso>', 'first entry time (earlier trades warm the indicators)', isoTimeNs('--from'))
    .option('--to <iso>', 'stop the replay at this time', isoTimeNs('--to'))
    .option('--symbol <symbol>', 'raw symbol or instrument id in a file with several')
    .option('--instrument <root>', 'contract: ES or NQ (default: from the symbol or the file name)')
    .option('--balance <usd>', 'starting balance', positiveNumber('--balance'), 25_000)
    .option('--win-probability <p>', 'win probability for Kelly sizing without an ML filter', probability('--win-probability'), 0.5)
    .option('--stop-ticks <n>', 'stop distance', positiveNumber('--stop-ticks'), r.stop.kind === 'ticks' ? r.stop.ticks : 8)
    .option('--target-ticks <n>', 'target distance', positiveNumber('--target-ticks'), r.target.kind === 'ticks' ? r.target.ticks : 16)
    .option('--max-position <n>', 'largest position, contracts', wholeNumber('--max-position'), r.maxPosition)
    .option('--daily-loss-limit <usd>', 'loss of one trade date at which entries stop', positiveNumber('--daily-loss-limit'), r.dailyLossLimit)
    .option('--max-consecutive-losses <n>', 'losses in a row at which entries stop', wholeNumber('--max-consecutive-losses'), r.maxConsecutiveLosses)
    .option('--min-balance <usd>', 'balance below which trading halts', nonNegative('--min-balance'), r.minBalance)
    .option('--latency-us <us>', 'order and cancel latency, µs of market time', nonNegative('--latency-us'), 0)
    .option('--slippage-ticks <n>', 'ticks against market and stop fills', nonNegative('--slippage-ticks'), 0)
    .option('--commission <usd>', 'commission per contract per side', nonNegative('--commission'), 0)
    .option('--queue-ahead <n>', 'limit fills at their price after n contracts ahead and their own quantity trade there (default: only on trades through)',
      nonNegative('--queue-ahead'))
    .option('--long-threshold <x>', 'Battle Navale score for long', Number, bn.longThreshold)
    .option('--short-threshold <x>', 'Battle Navale score for short (negative)', Number, bn.shortThreshold)
    .option('--min-confidence <x>', 'minimum signal confidence', probability('--min-confidence'), bn.minConfidence)
    .addOption(strategiesOption())
    .addOption(tradingHoursOption())
    .option('--skip-bad', 'skip malformed rows instead of stopping')
    .option('--progress', 'report trades read on stderr every second (default when stderr is a terminal)')
    .option('--no-progress', 'never report progress')
    .option('--journal <path>', 'also journal the run into this DuckDB file (docs/journal.md; an existing journal is continued with a new session)')
    .option('--journal-snapshot-ms <ms>', 'journal: one snapshot row per this many ms of market time (0: none)', nonNegative('--journal-snapshot-ms'), 1000)
    .addHelpText('after', '\nExample:\n  mia backtest --input ../shared/data/cme-esh4-mbo/esh4_20231225_trades.csv --out out/bt\n')
    .action(async (o: BacktestCliOptions) => {
      // A bad --out fails now, not after the whole replay; leftovers of killed runs are cleaned and said.
      const notice = (line: string): void => void process.stderr.write(`mia backtest: ${line}\n`);
      await checkOutputFolder(o.out, backtestOutputSpec(notice));
      const ml = o.models !== undefined ? await loadMlFilter(o.models, o.mlThreshold) : null;
      for (const w of ml?.warnings ?? []) process.stderr.write(`${warningLine('mia backtest', w, `models ${o.models}`)}\n`);
      if (ml) {
        // The models must have learnt features computed as this run computes them.
        const mismatch = ml.mismatch(backtestMeaning());
        if (mismatch) {
          ml.close();
          throw mismatch;
        }
        if (!ml.recordsMeaning) process.stderr.write(`mia backtest: warning: models ${o.models} record no feature settings (trained before they were recorded): they cannot be checked against this run's\n`);
      }
      // The journal opens before the run: one that cannot be opened is a coded error now.
      const journal = o.journal !== undefined
        ? await Journal.open(o.journal, { command: 'backtest', startedMs: Date.now(), config: JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)), modelHashes: ml?.hashes ?? [] },
          { snapshotMs: o.journalSnapshotMs }, pino({ level: 'warn' }, process.stderr)).catch((e: unknown) => {
          ml?.close();
          throw e;
        })
        : undefined;
      const showProgress = o.progress ?? process.stderr.isTTY;
      let lastReport = performance.now();
      const options: BacktestOptions = {
        input: o.input,
        ...(o.symbol !== undefined ? { symbol: o.symbol } : {}),
        ...(o.instrument !== undefined ? { instrument: o.instrument } : {}),
        ...(o.from !== undefined ? { fromNs: o.from } : {}),
        ...(o.to !== undefined ? { toNs: o.to } : {}),
        startingBalance: o.balance,
        winProbability: o.winProbability,
        risk: {
          stop: { kind: 'ticks', ticks: o.stopTicks }, target: { kind: 'ticks', ticks: o.targetTicks }, maxPosition: o.maxPosition,
          dailyLossLimit: o.dailyLossLimit, maxConsecutiveLosses: o.maxConsecutiveLosses, minBalance: o.minBalance,
        },
        broker: {
          latencyNs: Math.round(o.latencyUs * 1000), slippageTicks: o.slippageTicks, commissionPerContract: o.commission,
          limitQueueAhead: o.queueAhead ?? null,
        },
        signals: { battleNavale: { ...bn, longThreshold: o.longThreshold, shortThreshold: o.shortThreshold, minConfidence: o.minConfidence } },
        strategies: strategyConfig(o),
        ...(ml ? { scorer: ml.scorer, missingFeature: ml.missingFeature } : {}),
        ...(journal ? {
          onPipeline: ({ events, venue, pipeline }): void => void journal.attach(events, false).trade(venue, () => pipeline.trader?.trades ?? []),
        } : {}),
        ...(o.skipBad ? { skipBad: true } : {}),
        ...(showProgress
          ? {
              onProgress: (trades: number): void => {
                const now = performance.now();
                if (now - lastReport < 1000) return;
                lastReport = now;
                process.stderr.write(`mia: ${trades.toLocaleString('en-US')} trades read\n`);
              },
            }
          : {}),
      };
      let summary: unknown = null;
      try {
        const result = await runBacktest(options);
        summary = { metrics: result.metrics, decisions: result.counters };
        const files = await writeBacktestOutputs(o.out, options, result, ml ? { hashes: ml.hashes, warnings: ml.warnings } : null, notice);
        const m = result.metrics;
        const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)} %`);
        process.stderr.write(
          `mia: backtest ${result.symbol}: ${result.tradesRead.toLocaleString('en-US')} trades read, ${result.snapshots} snapshots, ` +
            `${m.trades} trades, net ${m.netProfit.toFixed(2)} USD, win rate ${pct(m.winRate)}, profit factor ${m.profitFactor?.toFixed(2) ?? '-'}, ` +
            `max drawdown ${m.maxDrawdown.toFixed(2)} USD; wrote ${files.trades}, ${files.parquet ?? '(no Parquet: @duckdb/node-api is not installed)'}, ${files.metrics}` +
            `${journal ? `; journal ${journal.writer.path} session ${journal.writer.sessionId}` : ''}\n` + strategyLines(result.byStrategy),
        );
      } finally {
        ml?.close();
        await journal?.close(summary);
      }
    });
}
