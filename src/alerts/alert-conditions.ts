import type { RiskStateEvent } from '../engine/engine-events.js';
import { QualityFlag } from '../protocol/generated/mia/quality-flag.js';
import type { AlertRules, RuleName } from './alert-rules.js';

/** One symbol's feed as its last published snapshot flagged it (QualityFlag bits). */
export interface FeedReading {
  symbol: string;
  quality: number;
}

/** The journal writer's backlog (issue 13's journal; its writer supplies it). */
export interface JournalLag {
  /** Age of the oldest row not yet written, ms. */
  lagMs: number;
  /** Rows waiting to be written. */
  queueDepth: number;
}

/** What the rules read at one evaluation: state the engine already keeps, read off the tick path. */
export interface AlertReadings {
  /** tick → published p99 over the latency rule's window, ms; null when no snapshot was published in it. */
  publishedP99Ms: number | null;
  feeds: readonly FeedReading[];
  /** Live sources: the connection is up (sim and replay: always). */
  sourceConnected: boolean;
  /** The risk engine's state; null with `--signals off`. */
  risk: RiskStateEvent | null;
  /** Highest balance seen since start (the drawdown's reference); null without a risk state. */
  peakBalance: number | null;
  /** null while no journal hook is wired. */
  journal: JournalLag | null;
  /** Data-quality score (0 to 1) by symbol; null while no data-quality hook is wired. */
  dataQuality: Readonly<Record<string, number>> | null;
  /** Largest feature PSI by symbol (symbols with a published PSI); null or absent while drift is off. */
  featureDrift?: Readonly<Record<string, number>> | null;
}

/** One rule's verdict on one subject at one evaluation. */
export interface Observation {
  key: string;
  rule: RuleName;
  symbol: string | null;
  holds: boolean;
  value: number | null;
  threshold: number | null;
  message: string;
}

const RISK_RULES = [['riskInfo', 'INFO'], ['riskWarning', 'WARNING'], ['riskCritical', 'CRITICAL'], ['riskCatastrophe', 'CATASTROPHE']] as const;

const FEED_RULES = [
  ['feedStale', 'Stale', 'no trade for longer than the stale limit (--stale-ms)', 'trades arriving again'],
  ['feedGap', 'Gap', 'trades are missing while the source backfills', 'the gap is backfilled'],
  ['feedDisconnected', 'Disconnected', 'the market-data source is disconnected', 'the source is connected again'],
] as const;

/** Made once: toLocaleString with options builds a formatter per call (~0.1 ms), and messages are built every second. */
const DOLLARS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const usd = (x: number): string => `${DOLLARS.format(x)} USD`;
const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** Every enabled rule's observations of `r` (a rule without its input observes nothing). */
export function observe(rules: AlertRules, r: AlertReadings): Observation[] {
  const out: Observation[] = [];
  const add = (rule: RuleName, symbol: string | null, holds: boolean, value: number | null, threshold: number | null, message: string): void => {
    if (rules[rule].enabled) out.push({ key: symbol === null ? rule : `${rule}:${symbol}`, rule, symbol, holds, value, threshold, message });
  };
  const lat = rules.latency;
  const p99 = r.publishedP99Ms;
  add('latency', null, p99 !== null && p99 > lat.p99Ms, p99, lat.p99Ms, p99 === null
    ? `no snapshot published in the last ${lat.windowMs / 1000} s`
    : `tick → published p99 ${p99.toFixed(2)} ms over the last ${lat.windowMs / 1000} s, limit ${lat.p99Ms} ms`);
  for (const f of r.feeds) {
    for (const [rule, flag, raised, cleared] of FEED_RULES) {
      const holds = (f.quality & QualityFlag[flag]) !== 0 || (flag === 'Disconnected' && !r.sourceConnected);
      add(rule, f.symbol, holds, null, null, `${f.symbol}: ${holds ? `${flag}: ${raised}` : `${flag} cleared: ${cleared}`}`);
    }
  }
  if (r.risk) observeRisk(r.risk, r.peakBalance ?? r.risk.balance, rules, add);
  if (r.journal) {
    const j = rules.journalLag;
    const { lagMs, queueDepth } = r.journal;
    add('journalLag', null, lagMs > j.lagMs || queueDepth > j.queueDepth, lagMs, j.lagMs,
      `journal writer ${lagMs.toFixed(0)} ms behind with ${queueDepth} rows queued, limits ${j.lagMs} ms and ${j.queueDepth} rows`);
  }
  if (r.dataQuality) {
    const min = rules.dataQuality.min;
    for (const [symbol, score] of Object.entries(r.dataQuality)) {
      add('dataQuality', symbol, score < min, score, min, `${symbol}: data quality ${pct(score)}, minimum ${pct(min)}`);
    }
  }
  if (r.featureDrift) {
    const max = rules.featureDrift.psi;
    for (const [symbol, psi] of Object.entries(r.featureDrift)) {
      add('featureDrift', symbol, psi >= max, psi, max, `${symbol}: feature drift, largest PSI ${psi.toFixed(3)} against the training distribution, limit ${max}`);
    }
  }
  return out;
}

type Add = (rule: RuleName, symbol: string | null, holds: boolean, value: number | null, threshold: number | null, message: string) => void;

function observeRisk(risk: RiskStateEvent, peak: number, rules: AlertRules, add: Add): void {
  const state = `day's P&L ${usd(risk.dailyPnl)}, ${risk.consecutiveLosses} losses in a row, balance ${usd(risk.balance)}`;
  for (const [rule, level] of RISK_RULES) {
    add(rule, null, risk.alert === level, null, null, `risk level ${risk.alert === level ? 'is' : 'left'} ${level} (${state})`);
  }
  add('riskHalted', null, risk.halted, null, null, risk.halted
    ? `trading halted by CATASTROPHE: no new entry until a manual reset (${state})`
    : 'trading no longer halted');
  const dd = rules.drawdown;
  const down = Math.max(0, peak - risk.balance);
  const share = peak > 0 ? down / peak : 0;
  // The dollar limit the rule holds the drawdown to: the tighter of its two limits.
  const limits = [dd.usd, dd.share === null ? null : dd.share * peak].filter((x): x is number => x !== null);
  const limit = limits.length > 0 ? Math.min(...limits) : Number.POSITIVE_INFINITY;
  add('drawdown', null, down > 0 && down >= limit, down, Number.isFinite(limit) ? limit : null,
    `drawdown ${usd(down)} (${pct(share)} of the peak balance ${usd(peak)}), limit ${[
      ...(dd.usd !== null ? [usd(dd.usd)] : []), ...(dd.share !== null ? [pct(dd.share)] : []),
    ].join(' or ')}`);
}
