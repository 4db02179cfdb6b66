import { findLessons, type Lessons } from './lessons.js';
import { reportMarkdown, type BalanceSource } from './markdown.js';
import { computePerformance, type Performance } from './performance.js';
import { equitySvg } from './equity-svg.js';
import type { ReportInput } from './report-input.js';
import { DEFAULT_ML_THRESHOLD, DEFAULT_REPORT_BALANCE } from './report-rules.js';
import { periodDays } from './report-period.js';

/** What the user may set; everything else is a documented constant (report-rules.ts). */
export interface ReportSettings {
  /** Starting balance (`--balance`); else the first session's config, else DEFAULT_REPORT_BALANCE. */
  balance?: number;
  /** ML approval threshold (`--ml-threshold`); else DEFAULT_ML_THRESHOLD. */
  mlThreshold?: number;
}

/** The report's contents and the two files' text. */
export interface MentorReport {
  performance: Performance;
  lessons: Lessons;
  balance: number;
  balanceSource: BalanceSource;
  markdown: string;
  svg: string;
}

/** Name of the equity curve beside report.md. */
export const SVG_NAME = 'equity.svg';

/** The balance: the option, else the lowest-numbered session of the period that records one, else the default. */
function balanceOf(input: ReportInput, s: ReportSettings): { balance: number; balanceSource: BalanceSource } {
  if (s.balance !== undefined) return { balance: s.balance, balanceSource: 'option' };
  const fromSession = input.sessions.find((x) => x.balance !== null)?.balance;
  if (fromSession !== undefined && fromSession !== null) return { balance: fromSession, balanceSource: 'session' };
  return { balance: DEFAULT_REPORT_BALANCE, balanceSource: 'default' };
}

/** The whole report of an input: pure, so the same journal gives the same bytes. */
export function buildReport(input: ReportInput, s: ReportSettings = {}): MentorReport {
  const { balance, balanceSource } = balanceOf(input, s);
  const mlThreshold = s.mlThreshold ?? DEFAULT_ML_THRESHOLD;
  const performance = computePerformance(input, balance);
  const lessons = findLessons(input.trades, input.bars, { mlThreshold });
  const p = input.period;
  const title = p.kind === 'date' ? `Equity, trade date ${p.label}` : `Equity, week ${p.label} (${periodDays(p)})`;
  return {
    performance, lessons, balance, balanceSource,
    markdown: reportMarkdown({ input, performance, lessons, balanceSource, mlThreshold, svgName: SVG_NAME }),
    svg: equitySvg(input.trades, balance, title),
  };
}
