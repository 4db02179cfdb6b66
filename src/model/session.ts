import type { SessionAnchor } from './bar-features.js';
import { msToNs, nsToMs } from './time.js';

/**
 * Session calendar (docs/features.md "Sessions"): where cumulative delta, VWAP and the session profile
 * restart. CME Globex opens at 17:00 Chicago, the cash session at 09:30 New York; both move against UTC
 * with daylight saving, so offsets come from the IANA zone of the day, via Intl. Called once per session,
 * never per trade.
 */

const DAY_MS = 86_400_000;

interface AnchorRule {
  zone: string;
  hour: number;
  minute: number;
  /**
   * Anchors found so far, by UTC day. A session roll asks for the anchors of five days, once for the session's
   * start and once for the next, and the next roll asks for four of them again: without this each roll cost 20
   * Intl look-ups (~13 µs each; 1,420 of them in a 70-day replay) where two are new.
   */
  days: Map<number, number>;
}

/** Days of anchors kept per rule (about 11 years); past this the map starts over rather than grow without end. */
const DAYS_KEPT = 4096;

const RULES: Record<Exclude<SessionAnchor, 'utc'>, AnchorRule> = {
  globex: { zone: 'America/Chicago', hour: 17, minute: 0, days: new Map() },
  rth: { zone: 'America/New_York', hour: 9, minute: 30, days: new Map() },
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of `zone` from UTC at instant `ms`, in ms (negative west of Greenwich). */
function zoneOffsetMs(zone: string, ms: number): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** UTC ms of local wall time hh:mm on the local calendar day that contains UTC day `dayMs` (00:00 UTC). */
function localTimeOnDay(rule: AnchorRule, dayMs: number): number {
  const known = rule.days.get(dayMs);
  if (known !== undefined) return known;
  const wall = dayMs + (rule.hour * 60 + rule.minute) * 60_000;
  // The offset at the candidate instant; one correction settles the DST transition days.
  let t = wall - zoneOffsetMs(rule.zone, wall);
  t = wall - zoneOffsetMs(rule.zone, t);
  if (rule.days.size >= DAYS_KEPT) rule.days.clear();
  rule.days.set(dayMs, t);
  return t;
}

/** Session starts around `ms`: the anchors of the previous, current and next local days. */
function startsAround(anchor: SessionAnchor, ms: number): number[] {
  const day = Math.floor(ms / DAY_MS) * DAY_MS;
  if (anchor === 'utc') return [day - DAY_MS, day, day + DAY_MS];
  const rule = RULES[anchor];
  return [-2, -1, 0, 1, 2].map((d) => localTimeOnDay(rule, day + d * DAY_MS));
}

/** Start (ns, UTC) of the session that contains `tsNs`: the latest anchor at or before it. */
export function sessionStartNs(tsNs: bigint, anchor: SessionAnchor): bigint {
  const ms = nsToMs(tsNs);
  let best = -Infinity;
  for (const s of startsAround(anchor, ms)) if (msToNs(s) <= tsNs && s > best) best = s;
  return msToNs(best);
}

/** Start (ns, UTC) of the first session strictly after `tsNs`. */
export function nextSessionStartNs(tsNs: bigint, anchor: SessionAnchor): bigint {
  const ms = nsToMs(tsNs);
  let best = Infinity;
  for (const s of startsAround(anchor, ms)) if (msToNs(s) > tsNs && s < best) best = s;
  return msToNs(best);
}
