/**
 * The CME equity-index roll rule of docs/domain.md: ES and NQ list quarterly contracts (H M U Z) that expire
 * on the third Friday of the month; traders roll to the next quarterly on the second Thursday before that
 * expiry, eight days earlier. Dates are UTC calendar days of the instant given.
 */

import { nthWeekday } from '../../model/calendar/civil-day.js';

/** A quarterly contract month. */
export interface ContractMonth {
  year: number;
  /** 3, 6, 9 or 12. */
  month: number;
  /** CME month code: H, M, U or Z. */
  code: 'H' | 'M' | 'U' | 'Z';
  /** `YYYYMM`, as IB's `lastTradeDateOrContractMonth` and `contractMonth`. */
  contractMonth: string;
  /** Expiry day (third Friday), 00:00 UTC. */
  expiry: Date;
  /** First day this contract is no longer the front month (expiry − 8 days), 00:00 UTC. */
  rollDate: Date;
}

const CODES = { 3: 'H', 6: 'M', 9: 'U', 12: 'Z' } as const;
const DAY_MS = 86_400_000;

/** Third Friday of `month` (1–12) of `year`, 00:00 UTC. */
export function thirdFriday(year: number, month: number): Date {
  return new Date(nthWeekday(year, month, 5, 3) * DAY_MS);
}

/** The quarterly contract month `year`/`month` (month 3, 6, 9 or 12). */
export function quarterly(year: number, month: 3 | 6 | 9 | 12): ContractMonth {
  const expiry = thirdFriday(year, month);
  return {
    year, month, code: CODES[month], contractMonth: `${year}${String(month).padStart(2, '0')}`,
    expiry, rollDate: new Date(expiry.getTime() - 8 * DAY_MS),
  };
}

/** The quarterly after `c` (Z is followed by next year's H). */
export function nextQuarterly(c: ContractMonth): ContractMonth {
  return c.month === 12 ? quarterly(c.year + 1, 3) : quarterly(c.year, (c.month + 3) as 3 | 6 | 9 | 12);
}

/**
 * The front month at instant `at`: the nearest quarterly whose roll date is still ahead. On the roll day
 * itself the next quarterly is already the front month.
 */
export function frontMonth(at: Date): ContractMonth {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  let c = quarterly(at.getUTCFullYear(), (Math.ceil((at.getUTCMonth() + 1) / 3) * 3) as 3 | 6 | 9 | 12);
  while (day >= c.rollDate.getTime()) c = nextQuarterly(c);
  return c;
}
