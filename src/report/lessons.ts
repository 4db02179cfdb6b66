import { easternLocalMs } from '../model/calendar/us-eastern-time.js';
import { isoNs, nsToMs } from '../model/time.js';
import { entryHour, marketRegime, volatilityRegime } from './performance.js';
import type { ReportBar, ReportTrade } from './report-input.js';
import {
  HTF_AGAINST_MIN, LOSS_CONCENTRATION_EXCESS, LOSS_CONCENTRATION_MIN_LOSSES, LOSS_CONCENTRATION_SHARE, LOSS_STREAK_MIN,
  MAX_ENTRIES_PER_HOUR, ML_NEAR_THRESHOLD, NEAR_TARGET_BAR_NS, NEAR_TARGET_BAR_TIMEFRAME, NEAR_TARGET_TICKS,
  OVERTRADING_PENALTY_POINTS,
} from './report-rules.js';

/**
 * The mentor's lessons: rule-based findings over the period's trades, each with the trades and numbers behind
 * it. Every threshold is a constant of report-rules.ts (docs/report.md). Pure: the same trades give the same
 * lessons in the same order.
 */

/** The rules, in the order their lessons are listed. */
export type LessonRule = 'loss-concentration' | 'against-higher-timeframe' | 'ml-near-threshold' | 'loss-streak' | 'stopped-near-target' | 'overtrading';

/** One finding. */
export interface Lesson {
  rule: LessonRule;
  /** One sentence: what happened. */
  finding: string;
  /** The trades behind it, as `S<session>-T<trade>`, in exit order (entry order for overtrading). */
  trades: string[];
  /** The numbers behind it, by name, in a fixed order. */
  numbers: Record<string, number | string | null>;
}

/** A penalty, as the original system logged them: one per entry beyond the hourly limit. */
export interface Penalty {
  rule: 'overtrading';
  trade: string;
  /** New York clock hour of the entries, `2026-06-17 10:00 ET`. */
  hour: string;
  points: number;
}

/** The lessons, the penalties, and what could not be checked. */
export interface Lessons {
  lessons: Lesson[];
  penalties: Penalty[];
  /** Rules that could not be applied, with the reason (no bars table, trades too short for a closed bar). */
  notes: string[];
}

/** Settings of the rules that depend on the run (the ML threshold). */
export interface LessonSettings {
  mlThreshold: number;
}

/** `S1-T7`: a trade's reference in lessons and penalties. */
export function tradeRef(t: ReportTrade): string {
  return `S${t.sessionId}-T${t.tradeId}`;
}

const sum = (trades: readonly ReportTrade[]): number => trades.reduce((a, t) => a + t.pnlUsd, 0);
const winRate = (trades: readonly ReportTrade[]): number | null => (trades.length > 0 ? trades.filter((t) => t.pnlUsd > 0).length / trades.length : null);
const lossUsd = (trades: readonly ReportTrade[]): number => trades.reduce((a, t) => a + (t.pnlUsd < 0 ? -t.pnlUsd : 0), 0);
// Distances compared with a threshold tolerate binary-fraction noise (0.65 − 0.6 is 0.05000000000000004).
const EPS = 1e-9;

/** Losses over-represented in one market regime, volatility regime or entry hour. */
function lossConcentration(trades: readonly ReportTrade[]): Lesson[] {
  const total = lossUsd(trades);
  if (total === 0) return [];
  const dims: [string, (t: ReportTrade) => string][] = [
    ['market regime', marketRegime],
    ['volatility regime', volatilityRegime],
    ['entry hour (New York)', (t) => `${String(entryHour(t)).padStart(2, '0')}:00`],
  ];
  const out: Lesson[] = [];
  for (const [dim, keyOf] of dims) {
    const groups = new Map<string, ReportTrade[]>();
    for (const t of trades) groups.set(keyOf(t), [...(groups.get(keyOf(t)) ?? []), t]);
    for (const key of [...groups.keys()].sort()) {
      const group = groups.get(key)!;
      const losers = group.filter((t) => t.pnlUsd < 0);
      const lossShare = lossUsd(group) / total;
      const tradeShare = group.length / trades.length;
      if (losers.length < LOSS_CONCENTRATION_MIN_LOSSES || lossShare < LOSS_CONCENTRATION_SHARE - EPS) continue;
      if (lossShare - tradeShare < LOSS_CONCENTRATION_EXCESS - EPS) continue;
      out.push({
        rule: 'loss-concentration',
        finding: `${pct(lossShare)} of the losing dollars came from ${dim} ${key}, which held ${pct(tradeShare)} of the trades`,
        trades: losers.map(tradeRef),
        numbers: { dimension: dim, group: key, groupTrades: group.length, groupLosses: losers.length, groupLossUsd: lossUsd(group),
          periodLossUsd: total, lossShare, tradeShare, groupWinRate: winRate(group), groupNetUsd: sum(group) },
      });
    }
  }
  return out;
}

/** Side of a trade as a sign: +1 long, −1 short. */
const sign = (t: ReportTrade): number => (t.side === 'long' ? 1 : -1);

/** Entries whose 1h or 4h direction pointed the other way. */
function againstHigherTimeframe(trades: readonly ReportTrade[]): Lesson[] {
  const against = (d: number | null, t: ReportTrade): boolean => d !== null && sign(t) * d <= -HTF_AGAINST_MIN + EPS;
  const hits = trades.filter((t) => against(t.directions.d1h, t) || against(t.directions.d4h, t));
  if (hits.length === 0) return [];
  const others = trades.filter((t) => !hits.includes(t));
  return [{
    rule: 'against-higher-timeframe',
    finding: `${hits.length} of ${trades.length} entries went against the 1h or 4h direction; they netted ${usd(sum(hits))}`,
    trades: hits.map(tradeRef),
    numbers: { entries: hits.length, against1h: hits.filter((t) => against(t.directions.d1h, t)).length,
      against4h: hits.filter((t) => against(t.directions.d4h, t)).length, winRate: winRate(hits), netUsd: sum(hits),
      otherWinRate: winRate(others), otherNetUsd: sum(others) },
  }];
}

/** Entries the ML filter let through by a hair (or would have refused by one). */
function mlNearThreshold(trades: readonly ReportTrade[], s: LessonSettings): Lesson[] {
  const hits = trades.filter((t) => t.mlMean !== null && Math.abs(t.mlMean - s.mlThreshold) <= ML_NEAR_THRESHOLD + EPS);
  if (hits.length === 0) return [];
  return [{
    rule: 'ml-near-threshold',
    finding: `${count(hits.length, 'entry', 'entries')} had an ML mean within ${ML_NEAR_THRESHOLD} of the ${s.mlThreshold} threshold; they netted ${usd(sum(hits))}`,
    trades: hits.map(tradeRef),
    numbers: { entries: hits.length, threshold: s.mlThreshold, band: ML_NEAR_THRESHOLD, mlMeans: hits.map((t) => t.mlMean!.toFixed(3)).join(' '),
      winRate: winRate(hits), netUsd: sum(hits) },
  }];
}

/** Runs of LOSS_STREAK_MIN or more losing trades in exit order, one lesson each. */
function lossStreaks(trades: readonly ReportTrade[]): Lesson[] {
  const out: Lesson[] = [];
  let run: ReportTrade[] = [];
  const close = (): void => {
    if (run.length >= LOSS_STREAK_MIN) {
      out.push({
        rule: 'loss-streak',
        finding: `${run.length} losing trades in a row, ${usd(sum(run))}, from ${isoNs(run[0]!.entryNs)} to ${isoNs(run[run.length - 1]!.exitNs)}`,
        trades: run.map(tradeRef),
        numbers: { losses: run.length, netUsd: sum(run), firstEntry: isoNs(run[0]!.entryNs), lastExit: isoNs(run[run.length - 1]!.exitNs) },
      });
    }
    run = [];
  };
  for (const t of trades) {
    if (t.pnlUsd < 0) run.push(t);
    else close();
  }
  close();
  return out;
}

/**
 * Stopped trades whose price had come within NEAR_TARGET_TICKS of the target before the stop: the best high
 * (long) or low (short) of the journal's 1m bars that opened at or after the entry and closed at or before the
 * exit, so every price looked at traded while the position was open and before it was stopped.
 */
function stoppedNearTarget(trades: readonly ReportTrade[], bars: readonly ReportBar[] | null, notes: string[]): Lesson[] {
  const stopped = trades.filter((t) => t.exitReason === 'stop');
  if (stopped.length === 0) return [];
  if (bars === null) {
    notes.push(`stopped-near-target: not checked for ${stopped.length} stopped trades: the journal has no bars table`);
    return [];
  }
  const hits: { t: ReportTrade; best: number; ticks: number }[] = [];
  let unchecked = 0;
  for (const t of stopped) {
    const inside = bars.filter((b) => b.sessionId === t.sessionId && b.symbol === t.symbol && b.timeframe === NEAR_TARGET_BAR_TIMEFRAME &&
      b.tsNs >= t.entryNs && b.tsNs + NEAR_TARGET_BAR_NS <= t.exitNs);
    if (inside.length === 0 || !(t.tickSize > 0)) {
      unchecked++;
      continue;
    }
    const best = t.side === 'long' ? Math.max(...inside.map((b) => b.high)) : Math.min(...inside.map((b) => b.low));
    const ticks = (sign(t) * (t.targetPrice - best)) / t.tickSize;
    if (ticks <= NEAR_TARGET_TICKS + EPS) hits.push({ t, best, ticks });
  }
  if (unchecked > 0) {
    notes.push(`stopped-near-target: ${unchecked} of ${stopped.length} stopped trades not checked: no closed ${NEAR_TARGET_BAR_TIMEFRAME} bar lies inside the trade`);
  }
  if (hits.length === 0) return [];
  return [{
    rule: 'stopped-near-target',
    finding: `${count(hits.length, 'stopped trade')} had come within ${count(NEAR_TARGET_TICKS, 'tick')} of the target first; ` +
      `${hits.length === 1 ? 'it' : 'they'} lost ${usd(-sum(hits.map((h) => h.t)))}`,
    trades: hits.map((h) => tradeRef(h.t)),
    numbers: { stoppedShort: hits.length, netUsd: sum(hits.map((h) => h.t)),
      closest: hits.map((h) => `${tradeRef(h.t)} target ${h.t.targetPrice} best ${h.best} (${count(Math.max(0, Math.round(h.ticks)), 'tick')})`).join('; ') },
  }];
}

/** New York clock hour of an entry, `2026-06-17 10:00 ET`. */
function nyHour(t: ReportTrade): string {
  const local = new Date(easternLocalMs(nsToMs(t.entryNs))).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 13)}:00 ET`;
}

/** Hours with more than MAX_ENTRIES_PER_HOUR entries: a lesson each, a penalty per entry beyond the limit. */
function overtrading(trades: readonly ReportTrade[], penalties: Penalty[]): Lesson[] {
  const byHour = new Map<string, ReportTrade[]>();
  for (const t of trades) byHour.set(nyHour(t), [...(byHour.get(nyHour(t)) ?? []), t]);
  const out: Lesson[] = [];
  for (const hour of [...byHour.keys()].sort()) {
    const entries = byHour.get(hour)!.sort((a, b) => (a.entryNs < b.entryNs ? -1 : a.entryNs > b.entryNs ? 1 : a.sessionId - b.sessionId || a.tradeId - b.tradeId));
    if (entries.length <= MAX_ENTRIES_PER_HOUR) continue;
    const excess = entries.slice(MAX_ENTRIES_PER_HOUR);
    for (const t of excess) penalties.push({ rule: 'overtrading', trade: tradeRef(t), hour, points: OVERTRADING_PENALTY_POINTS });
    out.push({
      rule: 'overtrading',
      finding: `${entries.length} entries in the hour ${hour}, over the limit of ${MAX_ENTRIES_PER_HOUR}: ${count(excess.length, 'penalty', 'penalties')}; ` +
        `the ${count(excess.length, 'entry', 'entries')} beyond the limit netted ${usd(sum(excess))}`,
      trades: entries.map(tradeRef),
      numbers: { hour, entries: entries.length, limit: MAX_ENTRIES_PER_HOUR, penaltyPoints: excess.length * OVERTRADING_PENALTY_POINTS,
        excessNetUsd: sum(excess), hourNetUsd: sum(entries) },
    });
  }
  return out;
}

/** Every rule over the period's trades (in exit order) and the journal's bars (null: no bars table). */
export function findLessons(trades: readonly ReportTrade[], bars: readonly ReportBar[] | null, s: LessonSettings): Lessons {
  const notes: string[] = [];
  const penalties: Penalty[] = [];
  const lessons = [
    ...lossConcentration(trades),
    ...againstHigherTimeframe(trades),
    ...mlNearThreshold(trades, s),
    ...lossStreaks(trades),
    ...stoppedNearTarget(trades, bars, notes),
    ...overtrading(trades, penalties),
  ];
  return { lessons, penalties, notes };
}

/** `1 trade`, `3 trades`. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `62 %`. */
function pct(x: number): string {
  return `${Math.round(x * 100)} %`;
}

/** `-$1,250.00` / `$87.50`. */
export function usd(x: number): string {
  const a = Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return x < 0 ? `-$${a}` : `$${a}`;
}
