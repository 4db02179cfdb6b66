import { basename, join } from 'node:path';
import { writeOutputFolder, type OutputSpec } from '../common/atomic-output.js';
import { DEFAULT_SIM_BROKER_CONFIG } from '../execution/sim-broker.js';
import { featureMeaning } from '../ml/feature-meaning.js';
import { DEFAULT_FEATURE_CONFIG } from '../model/bar-features.js';
import type { ModelWarning } from '../ml/model-warnings.js';
import { isoNs } from '../model/time.js';
import { DEFAULT_RISK_CONFIG } from '../risk/risk-engine.js';
import type { StrategyBookConfig } from '../signals/strategies/strategy-book.js';
import { formatTradingHours } from '../signals/strategies/trading-hours.js';
import type { BacktestMetrics } from './backtest-metrics.js';
import type { BacktestOptions, BacktestResult } from './backtest-runner.js';
import { writeTradesParquet } from './parquet-export.js';
import { tradesCsv } from './trade-report.js';

/** Files a backtest wrote. */
export interface BacktestFiles {
  trades: string;
  /** Undefined when DuckDB is not installed. */
  parquet: string | undefined;
  metrics: string;
}

/** A configuration without its contract table (the same constants in every run). */
function withoutSpecs<T extends { specs: unknown }>(c: T): Omit<T, 'specs'> {
  const { specs: _specs, ...rest } = c;
  return rest;
}

const cents = (x: number): number => Math.round(x * 100) / 100;
const six = (x: number | null): number | null => (x === null ? null : Math.round(x * 1e6) / 1e6);

/** Metrics rounded for the file: dollars to cents, ratios to six decimals. */
function roundedMetrics(m: BacktestMetrics): Record<string, unknown> {
  return {
    trades: m.trades, wins: m.wins, losses: m.losses, winRate: six(m.winRate),
    netProfit: cents(m.netProfit), grossProfit: cents(m.grossProfit), grossLoss: cents(m.grossLoss),
    profitFactor: six(m.profitFactor), expectancy: m.expectancy === null ? null : cents(m.expectancy),
    maxDrawdown: cents(m.maxDrawdown), maxDrawdownPct: six(m.maxDrawdownPct),
    sharpe: six(m.sharpe), sharpePeriod: 'trade date, business days, annualised by sqrt(252)', sharpeDays: m.sharpeDays,
  };
}

/** The strategies of a run as metrics.json records them: the ids enabled and the window (`off`: every hour). */
function strategySettings(c: StrategyBookConfig | undefined): { enabled: string[]; tradingHours: string } {
  return { enabled: [...(c?.enabled ?? [])], tradingHours: c?.tradingHours ? formatTradingHours(c.tradingHours) : 'off' };
}

/** What a run records about its ML filter: the model hashes and the manifest's training warnings. */
export interface MlRecord {
  hashes: string[];
  warnings?: readonly ModelWarning[];
}

/**
 * The metrics document: the run's inputs and settings, counters and metrics. Nothing in it depends on when
 * or where the run happened (no wall-clock time, the input by file name only), so equal runs write equal bytes.
 */
export function metricsJson(o: BacktestOptions, r: BacktestResult, ml: MlRecord | null): string {
  const doc = {
    input: basename(o.input),
    symbol: r.symbol,
    from: o.fromNs !== undefined ? isoNs(o.fromNs) : null,
    to: o.toNs !== undefined ? isoNs(o.toNs) : null,
    firstDecision: r.firstNs !== null ? isoNs(r.firstNs) : null,
    lastTrade: r.lastNs !== null ? isoNs(r.lastNs) : null,
    tradesRead: r.tradesRead,
    snapshots: r.snapshots,
    bars: r.bars,
    // The engine's output, hashed as `mia serve` hashes what it publishes (docs/stream.md "Content hashes").
    contentHash: r.contentHash.sha256,
    settings: { startingBalance: o.startingBalance, winProbability: o.winProbability, broker: withoutSpecs({ ...DEFAULT_SIM_BROKER_CONFIG, ...o.broker }),
      risk: withoutSpecs({ ...DEFAULT_RISK_CONFIG, ...o.risk }),
      // What the features meant (the models' check), then the signal engine's whole configuration.
      features: featureMeaning({ ...DEFAULT_FEATURE_CONFIG, ...o.feature }, true, r.signalConfig).features, signals: r.signalConfig,
      strategies: strategySettings(o.strategies) },
    ml: ml ? { enabled: true, hashes: ml.hashes, warnings: ml.warnings ?? [] } : { enabled: false },
    decisions: { ...r.counters, riskRefused: Object.fromEntries(Object.entries(r.counters.riskRefused).sort(([a], [b]) => (a < b ? -1 : 1))) },
    metrics: roundedMetrics(r.metrics),
    metricsByStrategy: Object.fromEntries(Object.entries(r.byStrategy).map(([id, m]) => [id, roundedMetrics(m)])),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** What `mia backtest` writes into --out (and, last, the completion marker). */
export const BACKTEST_FILES = ['trades.csv', 'trades.parquet', 'metrics.json'] as const;

/** The output spec of `mia backtest`; `notice` hears of leftovers of killed runs. */
export function backtestOutputSpec(notice?: (line: string) => void): OutputSpec {
  return { command: 'mia backtest', files: BACKTEST_FILES, ...(notice ? { notice } : {}) };
}

/**
 * Writes trades.csv, trades.parquet (when DuckDB is installed) and metrics.json into `dir`, all or nothing
 * (src/common/atomic-output.ts): a staging folder beside it, a completion marker, one rename. A failure names its
 * file, and `dir` keeps what it held.
 */
export async function writeBacktestOutputs(dir: string, o: BacktestOptions, r: BacktestResult, ml: MlRecord | null,
  notice?: (line: string) => void): Promise<BacktestFiles> {
  const files = { trades: join(dir, 'trades.csv'), parquet: join(dir, 'trades.parquet'), metrics: join(dir, 'metrics.json') };
  const parquet = await writeOutputFolder(dir, backtestOutputSpec(notice), async (staging) => {
    await staging.writeFile('trades.csv', tradesCsv(r.trades));
    await staging.writeFile('metrics.json', metricsJson(o, r, ml));
    return writeTradesParquet(staging.path('trades.csv'), staging.path('trades.parquet'));
  });
  return { ...files, parquet: parquet ? files.parquet : undefined };
}
