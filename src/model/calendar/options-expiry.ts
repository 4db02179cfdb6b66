import { nthWeekday } from './civil-day.js';
import type { ExchangeCalendar } from './exchange-holidays.js';

/** Phases of the monthly options-expiry cycle (the original system's "gamma cycles", domain.md). */
export type ExpiryPhase = 'expiry_week' | 'gamma_peak' | 'gamma_moderate' | 'normal' | 'post_expiry';

/** Position-size factor of each phase and the day bounds that define the phases. */
export interface ExpiryConfig {
  factors: Record<ExpiryPhase, number>;
  /** Largest business-day count to expiry of each pre-expiry phase. */
  expiryWeekMaxDays: number;
  gammaPeakMaxDays: number;
  gammaModerateMaxDays: number;
  /** Business days after an expiry that count as post-expiry (1 … this). */
  postExpiryDays: number;
}

/** domain.md: expiry week (0–2 days) 0.7, gamma peak (3–5) 1.3, gamma moderate (6–10) 1.1, normal 1.0, post-expiry (1–2 after) 1.05. */
export const DEFAULT_EXPIRY_CONFIG: ExpiryConfig = {
  factors: { expiry_week: 0.7, gamma_peak: 1.3, gamma_moderate: 1.1, normal: 1.0, post_expiry: 1.05 },
  expiryWeekMaxDays: 2,
  gammaPeakMaxDays: 5,
  gammaModerateMaxDays: 10,
  postExpiryDays: 2,
};

/** The phase of one trade date. */
export interface ExpiryState {
  phase: ExpiryPhase;
  /** Position-size factor of the phase. */
  factor: number;
  /** Business days from the trade date to the next monthly expiry (0 on expiry day). */
  daysToExpiry: number;
  /** Business days since the previous monthly expiry. */
  daysSinceExpiry: number;
  /** Day number of the next (or today's) monthly expiry. */
  nextExpiry: number;
}

/**
 * Monthly equity-index options expiry: the third Friday of the month, moved to the preceding business day
 * when the exchange is closed that day (Good Friday 2025-04-18 → Thursday 2025-04-17; Juneteenth
 * 2026-06-19 → Thursday 2026-06-18). Quarterly expiries (H M U Z) are the same dates in March, June,
 * September and December.
 */
export function monthlyExpiry(cal: ExchangeCalendar, year: number, month: number): number {
  return cal.onOrBefore(nthWeekday(year, month, 5, 3));
}

/**
 * Expiry phase of a trade date (a day number): the count of business days to the next monthly expiry
 * chooses expiry week, gamma peak or gamma moderate; otherwise the first business days after the previous
 * expiry are post-expiry; otherwise normal. Counting business days (not calendar days) keeps weekends and
 * holidays from shortening a phase.
 */
export function expiryPhase(cal: ExchangeCalendar, day: number, cfg: ExpiryConfig = DEFAULT_EXPIRY_CONFIG): ExpiryState {
  const d = new Date(day * 86_400_000);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const thisMonth = monthlyExpiry(cal, y, m);
  const next = day <= thisMonth ? thisMonth : monthlyExpiry(cal, m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1);
  const prev = day > thisMonth ? thisMonth : monthlyExpiry(cal, m === 1 ? y - 1 : y, m === 1 ? 12 : m - 1);
  const daysToExpiry = cal.businessDaysBetween(day, next);
  const daysSinceExpiry = cal.businessDaysBetween(prev, day);
  let phase: ExpiryPhase = 'normal';
  if (daysToExpiry <= cfg.expiryWeekMaxDays) phase = 'expiry_week';
  else if (daysToExpiry <= cfg.gammaPeakMaxDays) phase = 'gamma_peak';
  else if (daysToExpiry <= cfg.gammaModerateMaxDays) phase = 'gamma_moderate';
  else if (daysSinceExpiry >= 1 && daysSinceExpiry <= cfg.postExpiryDays) phase = 'post_expiry';
  return { phase, factor: cfg.factors[phase], daysToExpiry, daysSinceExpiry, nextExpiry: next };
}

