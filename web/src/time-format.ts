import { TickMarkType, type Time } from 'lightweight-charts';

/**
 * Chart times in New York time (ET), where the cash session most ES and NQ traders watch is 09:30–16:00
 * (../shared/docs/domain.md); bars themselves are aligned on UTC (docs/features.md), which the charts keep.
 */
const ZONE = 'America/New_York';
const hm = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const hms = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const day = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, day: '2-digit', month: 'short' });
const full = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const month = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, month: 'short', year: 'numeric' });

const seconds = (t: Time): number => (typeof t === 'number' ? t : 0);

/** The crosshair's time label. */
export function crosshairTime(t: Time): string {
  return full.format(seconds(t) * 1000);
}

/** Time-axis labels by their kind. */
export function tickMark(t: Time, type: TickMarkType): string {
  const ms = seconds(t) * 1000;
  switch (type) {
    case TickMarkType.Year:
    case TickMarkType.Month:
      return month.format(ms);
    case TickMarkType.DayOfMonth:
      return day.format(ms);
    case TickMarkType.TimeWithSeconds:
      return hms.format(ms);
    default:
      return hm.format(ms);
  }
}

/** A wall-clock time of a decision or status line, ET, with seconds. */
export function clockTime(ms: number): string {
  return hms.format(ms);
}
