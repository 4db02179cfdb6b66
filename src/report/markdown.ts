import type { BacktestMetrics } from '../backtest/backtest-metrics.js';
import { isoDay } from '../model/calendar/civil-day.js';
import { easternLocalMs } from '../model/calendar/us-eastern-time.js';
import { isoNs, nsToMs, type UnixNanos } from '../model/time.js';
import { count, tradeRef, usd, type Lessons } from './lessons.js';
import { marketRegime, volatilityRegime, type Performance } from './performance.js';
import type { ReportInput, ReportTrade } from './report-input.js';
import { periodDays } from './report-period.js';

/** Where the report's starting balance came from (the Sharpe ratio and drawdown % depend on it). */
export type BalanceSource = 'option' | 'session' | 'default';

/** What the Markdown needs besides the input. */
export interface MarkdownParts {
  input: ReportInput;
  performance: Performance;
  lessons: Lessons;
  balanceSource: BalanceSource;
  mlThreshold: number;
  /** File name of the equity curve beside report.md. */
  svgName: string;
}

const ratio = (x: number | null, digits = 2): string => (x === null ? 'n/a' : x.toFixed(digits));
const percent = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);
const money = (x: number | null): string => (x === null ? 'n/a' : usd(x));
const row = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;
/** A table cell: no pipe or line break may end it early. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** `2026-06-17 10:31:05 ET` (New York wall clock, to the second). */
function nyTime(ns: UnixNanos): string {
  const iso = new Date(easternLocalMs(nsToMs(ns))).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} ET`;
}

const METRIC_HEAD = ['trades', 'win rate', 'profit factor', 'Sharpe', 'max drawdown', 'expectancy', 'net P&L'];
const metricCells = (m: BacktestMetrics): string[] => [
  String(m.trades), percent(m.winRate), ratio(m.profitFactor), ratio(m.sharpe), money(m.maxDrawdown), money(m.expectancy), money(m.netProfit),
];

function sessionsSection(p: MarkdownParts): string[] {
  const out = ['## Sessions', ''];
  if (p.input.sessions.length === 0) return [...out, 'No session of the journal ran in this period.', ''];
  out.push(row(['session', 'command', 'version', 'started (UTC)', 'stopped (UTC)', 'clean stop', 'model hashes']), row(Array(7).fill('---')));
  for (const s of p.input.sessions) {
    out.push(row([String(s.sessionId), cell(s.command), cell(s.version), isoNs(s.startedNs), s.stoppedNs === null ? 'not stopped' : isoNs(s.stoppedNs),
      s.cleanStop ? 'yes' : 'no', s.modelHashes.length === 0 ? 'none' : s.modelHashes.map((h) => h.slice(0, 12)).join(' ')]));
  }
  return [...out, ''];
}

function summarySection(p: MarkdownParts): string[] {
  const m = p.performance.overall;
  const days = p.performance.sharpeDays;
  return [
    '## Summary', '',
    row([...METRIC_HEAD, 'wins', 'losses', 'max drawdown %']), row(Array(METRIC_HEAD.length + 3).fill('---')),
    row([...metricCells(m), String(m.wins), String(m.losses), percent(m.maxDrawdownPct)]), '',
    `Sharpe ratio over ${count(days.length, 'business trade date')}` +
      `${days.length > 0 ? ` (${isoDay(days[0]!)}${days.length > 1 ? ` to ${isoDay(days[days.length - 1]!)}` : ''})` : ''}` +
      `; n/a with fewer than two. Starting balance ${usd(p.performance.balance)} (${balanceText(p.balanceSource)}).`, '',
    `![Equity curve](${p.svgName})`, '',
  ];
}

function balanceText(s: BalanceSource): string {
  return s === 'option' ? '--balance' : s === 'session' ? "the first session's config" : 'default: no --balance and no balance in the sessions\' config';
}

function breakdownSections(p: MarkdownParts): string[] {
  const out: string[] = [];
  for (const b of p.performance.breakdowns) {
    out.push(`## By ${b.name}`, '', row([b.name, ...METRIC_HEAD]), row(Array(METRIC_HEAD.length + 1).fill('---')));
    for (const r of b.rows) out.push(row([cell(r.key), ...metricCells(r.metrics)]));
    out.push('');
  }
  return out;
}

function lessonsSection(p: MarkdownParts): string[] {
  const { lessons, notes } = p.lessons;
  const out = ['## Lessons', ''];
  if (lessons.length === 0) out.push('No rule fired on this period\'s trades (docs/report.md lists the rules and their thresholds).', '');
  lessons.forEach((l, i) => {
    out.push(`### ${i + 1}. ${l.rule}`, '', `${l.finding}.`, '', `- trades: ${l.trades.join(', ')}`);
    for (const [k, v] of Object.entries(l.numbers)) out.push(`- ${k}: ${evidenceValue(k, v)}`);
    out.push('');
  });
  for (const n of notes) out.push(`- Not checked: ${n}`);
  if (notes.length > 0) out.push('');
  return out;
}

/** A number of the evidence: dollars for `…Usd`, percent for shares and rates, else as is. */
function evidenceValue(key: string, v: number | string | null): string {
  if (v === null) return 'n/a';
  if (typeof v === 'string') return v;
  if (/Usd$/.test(key)) return usd(v);
  if (/(Share|Rate)$|^winRate$/.test(key)) return percent(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}

function penaltiesSection(p: MarkdownParts): string[] {
  const { penalties } = p.lessons;
  const out = ['## Penalties', ''];
  if (penalties.length === 0) return [...out, 'None.', ''];
  out.push(row(['trade', 'hour', 'rule', 'points']), row(Array(4).fill('---')));
  for (const x of penalties) out.push(row([x.trade, x.hour, x.rule, String(x.points)]));
  return [...out, '', `Total: ${count(penalties.reduce((a, x) => a + x.points, 0), 'point')}.`, ''];
}

function tradesSection(trades: readonly ReportTrade[]): string[] {
  const out = ['## Trades', '', row(['trade', 'symbol', 'side', 'qty', 'entry (New York)', 'exit (New York)', 'exit', 'net P&L', 'score', 'ML mean', 'regime', 'volatility']),
    row(Array(12).fill('---'))];
  for (const t of trades) {
    out.push(row([tradeRef(t), cell(t.symbol), t.side, String(t.qty), nyTime(t.entryNs), nyTime(t.exitNs), cell(t.exitReason), usd(t.pnlUsd),
      t.score.toFixed(3), t.mlMean === null ? 'off' : t.mlMean.toFixed(3), marketRegime(t), volatilityRegime(t)]));
  }
  return [...out, ''];
}

/** report.md: the period, sessions, summary, breakdowns, lessons, penalties and trades. */
export function reportMarkdown(p: MarkdownParts): string {
  const { period, trades } = p.input;
  const head = [
    `# MIA report: ${period.kind === 'date' ? 'trade date' : 'week'} ${period.label}`, '',
    `CME trade date${period.firstDay === period.lastDay ? '' : 's'} ${periodDays(period)}: a Globex session opening at 18:00 New York time belongs to the next day's date, and a ` +
      'trade counts on the trade date of its exit. Hours are New York time. ML threshold ' + `${p.mlThreshold}.`, '',
  ];
  if (trades.length === 0) {
    const others = p.input.otherTradeDays.map(isoDay);
    return [...head, ...sessionsSection(p), '## Summary', '',
      `No trade closed on ${period.kind === 'date' ? 'this trade date' : 'the trade dates of this week'}.` +
        (others.length > 0 ? ` Trade dates with trades in this journal: ${others.join(', ')}.` : ' The journal holds no trade.'), '',
      `![Equity curve](${p.svgName})`, ''].join('\n');
  }
  return [...head, ...sessionsSection(p), ...summarySection(p), ...lessonsSection(p), ...penaltiesSection(p), ...breakdownSections(p),
    ...tradesSection(trades)].join('\n');
}
