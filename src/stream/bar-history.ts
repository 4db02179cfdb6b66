import type { SessionAnchor } from '../model/bar-features.js';
import { nextSessionStartNs, sessionStartNs } from '../model/session.js';
import { isoNs } from '../model/time.js';
import { decodeFrame } from '../protocol/frame-decoder.js';
import { ClosedBarOpen } from '../protocol/closed-bar-open.js';
import type { BarJson, BarMessage } from '../protocol/messages.js';

/**
 * Closed bars kept per topic. A Globex session is 1,380 minutes, so a whole session of 1m bars fits, and
 * every longer timeframe's with room to spare. Memory: a frame is about 300 bytes plus 40 a footprint row
 * (measured on the ESH4 holiday hour: 1m frames 352-1,136 bytes, median 440; the 1h frame 2.2 KB). A busy
 * ES minute spans some 20-60 rows (1-2.7 KB), so a full session of 1m bars is 0.6-4 MiB per symbol; the
 * longer timeframes together add less (fewer bars, each with at most the session's range of rows).
 */
export const BAR_HISTORY_CAPACITY = 1500;

/**
 * Bars decoded and serialised per turn of the event loop while answering `GET /bars`. A full session of 1m
 * bars of 40 rows takes 75-110 ms to become 4 MB of JSON (about 55 µs a bar on the 2-vCPU VM); in slices of
 * this many the engine's snapshots and closes go out between them (longest turn measured 4-7 ms, the final
 * join and GC included) instead of waiting behind a dashboard's page load.
 */
const BARS_PER_TURN = 32;

/** The body of `GET /bars/<SYMBOL>/<TF>` (docs/stream.md "HTTP"). */
export interface BarsResponse {
  symbol: string;
  timeframe: string;
  /** Start of the session the bars belong to, ISO; null before the symbol's first closed bar. */
  sessionStart: string | null;
  /** Bars of this session were dropped, oldest first, to keep within the capacity. */
  truncated: boolean;
  /** Oldest first, each the `bar` of its `bar.<SYMBOL>.<TF>` frame. */
  bars: BarJson[];
}

/** One topic's ring of frame copies, oldest at `head` once full. */
interface TopicRing {
  frames: Uint8Array[];
  head: number;
  truncated: boolean;
}

/** A symbol's current session and its topics' rings. */
interface SymbolSession {
  startNs: bigint;
  /** Start of the next session: a bar opening at or after it begins a new one. */
  nextNs: bigint;
  rings: TopicRing[];
}

/**
 * What `GET /bars` answers from: copies of the closed-bar frames the server published, a bounded ring per
 * topic, cleared per symbol when its new session starts. A bar belongs to the session in which it opened
 * (`sessionStartNs` of its `ts`, with the engine's `--session` anchor); the first bar opening in a later
 * session clears every timeframe of the symbol. A bar that opened before the held session (a 4h bar across
 * the Globex open, closing after the new session's first bars) is kept with it: it closed in this session.
 * Frames are decoded only on request; keeping one costs a copy and two accessor reads per bar close.
 */
export class BarHistory {
  private readonly anchor: SessionAnchor;
  private readonly capacity: number;
  private readonly sessions = new Map<string, SymbolSession>();
  /** Topic → its ring, and the symbol it belongs to. */
  private readonly rings = new Map<string, { symbol: string; ring: TopicRing }>();
  private readonly open = new ClosedBarOpen();

  constructor(anchor: SessionAnchor, capacity = BAR_HISTORY_CAPACITY) {
    this.anchor = anchor;
    this.capacity = capacity;
  }

  /** Keeps a copy of a published closed-bar frame of `topic` (`bar.<SYMBOL>.<TF>`). */
  add(topic: string, bytes: Uint8Array): void {
    const copy = new Uint8Array(bytes);
    const tsOpen = this.open.tsNs(copy);
    let t = this.rings.get(topic);
    if (t === undefined) {
      t = { symbol: topic.split('.')[1] ?? '', ring: { frames: [], head: 0, truncated: false } };
      this.rings.set(topic, t);
    }
    let s = this.sessions.get(t.symbol);
    if (s === undefined || tsOpen >= s.nextNs) {
      // The calendar (Intl) is asked once per session, not per bar.
      if (s === undefined) this.sessions.set(t.symbol, (s = { startNs: 0n, nextNs: 0n, rings: [] }));
      s.startNs = sessionStartNs(tsOpen, this.anchor);
      s.nextNs = nextSessionStartNs(tsOpen, this.anchor);
      for (const r of s.rings) clear(r);
    }
    if (!s.rings.includes(t.ring)) s.rings.push(t.ring);
    const r = t.ring;
    if (r.frames.length < this.capacity) {
      r.frames.push(copy);
      return;
    }
    r.frames[r.head] = copy;
    r.head = (r.head + 1) % this.capacity;
    r.truncated = true;
  }

  /**
   * The body of `GET /bars` (a BarsResponse as JSON text; empty before the topic's first bar). The bars are the
   * ones held when it is called: the set is taken before the first await, and the frames are never written
   * again, so bars published while it is serialised (a few turns of the event loop) are not in it.
   */
  async json(symbol: string, timeframe: string, topic: string): Promise<string> {
    const s = this.sessions.get(symbol);
    const r = this.rings.get(topic)?.ring;
    const frames = r ? [...r.frames.slice(r.head), ...r.frames.slice(0, r.head)] : [];
    const head: Omit<BarsResponse, 'bars'> = { symbol, timeframe, sessionStart: s ? isoNs(s.startNs) : null, truncated: r?.truncated ?? false };
    const parts = new Array<string>(frames.length);
    for (let i = 0; i < frames.length; i++) {
      if (i > 0 && i % BARS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
      parts[i] = JSON.stringify((decodeFrame(frames[i]!) as BarMessage).bar);
    }
    return `${JSON.stringify(head).slice(0, -1)},"bars":[${parts.join(',')}]}`;
  }
}

function clear(r: TopicRing): void {
  r.frames = [];
  r.head = 0;
  r.truncated = false;
}
