import { nextSessionStartNs, sessionStartNs } from '../../model/session.js';
import { nsToMs } from '../../model/time.js';

/** A stretch of time with one trading intensity. */
export interface CalendarPhase {
  /** Activity relative to the cash session: 1 in RTH, 0.2 overnight, 0 when the market is closed. */
  activity: number;
  /** End of the phase, ns since the epoch. */
  endNs: bigint;
}

const HOUR = 3_600_000_000_000n;
const RTH_LENGTH = 6n * HOUR + HOUR / 2n;
const OVERNIGHT = 0.2;

/**
 * CME Globex equity-index hours (domain.md): Sunday 17:00 to Friday 16:00 Chicago, with a daily
 * 16:00–17:00 break; the cash session 09:30–16:00 New York is the busiest. Asked once per phase change.
 */
export function phaseAt(tsNs: bigint): CalendarPhase {
  const gStart = sessionStartNs(tsNs, 'globex');
  const gNext = nextSessionStartNs(tsNs, 'globex');
  const breakStart = gNext - HOUR; // 16:00 Chicago: an hour before the next 17:00 open
  // 17:00 Chicago falls on the same UTC date, so the UTC weekday is Chicago's: Friday and Saturday
  // evenings open no session.
  const weekday = new Date(nsToMs(gStart)).getUTCDay();
  if (weekday === 5 || weekday === 6 || tsNs >= breakStart) return { activity: 0, endNs: gNext };
  const rStart = sessionStartNs(tsNs, 'rth');
  const rEnd = rStart + RTH_LENGTH;
  if (tsNs < rEnd && rStart >= gStart) return { activity: 1, endNs: rEnd < breakStart ? rEnd : breakStart };
  const rNext = nextSessionStartNs(tsNs, 'rth');
  return { activity: OVERNIGHT, endNs: rNext < breakStart ? rNext : breakStart };
}
