import { configError, ErrorCode } from '../common/errors.js';
import { QualityFlag } from '../protocol/generated/mia/quality-flag.js';

/** Length of the data-quality window: the last five minutes (docs/metrics.md). */
export const DATA_QUALITY_WINDOW_SEC = 300;

/** The flags that make a second unclean: the feed was stale, had a gap, or was disconnected. */
export const DATA_QUALITY_BAD_FLAGS = QualityFlag.Stale | QualityFlag.Gap | QualityFlag.Disconnected;

/** A symbol's data quality as /health shows it (made at request time only). */
export interface DataQualityReading {
  /** cleanShare × knownSideShare, in [0, 1]; null before the symbol's first snapshot. */
  score: number | null;
  /** Share of the observed seconds with no Stale, Gap or Disconnected flag in effect at any moment. */
  cleanShare: number | null;
  /** Share of the window's volume whose aggressor side was reported by the feed, not inferred (1 without volume). */
  knownSideShare: number | null;
  /** Seconds the window covers so far (at most windowSec: fewer just after start). */
  observedSec: number;
  windowSec: number;
}

/**
 * The data-quality score of one symbol over the last `windowSec` seconds of the engine's clock, in a ring of
 * one-second buckets: each bucket holds whether a bad flag (DATA_QUALITY_BAD_FLAGS) was in effect at any moment
 * of that second, and the volume traded in it with a known and an inferred side. The flags in effect are those
 * of the latest snapshot and hold until the next (the engine publishes a snapshot as soon as they change).
 * Running sums make a reading O(1) apart from the seconds that passed since the last one (at most the window);
 * nothing is allocated after construction, so the engine updates it at every snapshot.
 *
 * score = cleanShare × knownSideShare, defined exactly in docs/metrics.md.
 */
export class DataQualityWindow {
  readonly windowSec: number;
  /** Per bucket: 1 when the second was unclean. */
  private readonly bad: Uint8Array;
  /** Per bucket: raw volume with a reported side, and in total. */
  private readonly known: Float64Array;
  private readonly total: Float64Array;
  private badSum = 0;
  private knownSum = 0;
  private totalSum = 0;
  /** Second of the newest bucket; NaN until the first observation. */
  private headSec = Number.NaN;
  private firstSec = Number.NaN;
  /** Quality flags in effect (the latest observation's). */
  private flags = 0;
  /** The session totals of the latest observation, to turn cumulative totals into volume per observation. */
  private lastSessionVolume = 0;
  private lastSessionInferred = 0;

  constructor(windowSec = DATA_QUALITY_WINDOW_SEC) {
    if (!Number.isInteger(windowSec) || windowSec < 1) {
      throw configError(ErrorCode.BAD_CONFIG, `DataQualityWindow: windowSec must be an integer >= 1, got ${windowSec}`);
    }
    this.windowSec = windowSec;
    this.bad = new Uint8Array(windowSec);
    this.known = new Float64Array(windowSec);
    this.total = new Float64Array(windowSec);
  }

  /**
   * One snapshot at second `sec` (whole seconds of the engine's clock, never decreasing): its quality flags, now
   * in effect, and the session's cumulative volume and inferred-side volume (raw units) as the snapshot shows
   * them. A session total below the previous one means a new session began: its totals are all new volume.
   */
  observe(sec: number, flags: number, sessionVolume: number, sessionInferred: number): void {
    const restarted = sessionVolume < this.lastSessionVolume;
    const volume = restarted ? sessionVolume : sessionVolume - this.lastSessionVolume;
    const inferred = restarted ? sessionInferred : sessionInferred - this.lastSessionInferred;
    this.lastSessionVolume = sessionVolume;
    this.lastSessionInferred = sessionInferred;
    this.record(sec, flags, volume - inferred, volume);
  }

  /** Adds, at second `sec`, the flags now in effect and volume traded with a reported side (`known`) of `volume`. */
  record(sec: number, flags: number, known: number, volume: number): void {
    if (Number.isNaN(this.firstSec)) {
      this.firstSec = sec;
      this.headSec = sec;
      this.flags = flags;
      this.startBucket(sec);
    } else this.advance(sec);
    this.flags = flags;
    const i = this.slot(this.headSec);
    if ((flags & DATA_QUALITY_BAD_FLAGS) !== 0 && this.bad[i] === 0) {
      this.bad[i] = 1;
      this.badSum++;
    }
    this.known[i]! += known;
    this.knownSum += known;
    this.total[i]! += volume;
    this.totalSum += volume;
  }

  /** The score at second `sec` (the flags in effect carried up to it); NaN before the first observation. */
  score(sec: number): number {
    if (Number.isNaN(this.firstSec)) return Number.NaN;
    this.advance(sec);
    return this.cleanShare() * this.knownSideShare();
  }

  /** The score and its parts at second `sec`, for /health (allocates: request time only). */
  reading(sec: number): DataQualityReading {
    const score = this.score(sec);
    if (Number.isNaN(score)) return { score: null, cleanShare: null, knownSideShare: null, observedSec: 0, windowSec: this.windowSec };
    return { score, cleanShare: this.cleanShare(), knownSideShare: this.knownSideShare(), observedSec: this.observedSec(), windowSec: this.windowSec };
  }

  private observedSec(): number {
    return Math.min(this.windowSec, this.headSec - this.firstSec + 1);
  }

  private cleanShare(): number {
    const observed = this.observedSec();
    return (observed - this.badSum) / observed;
  }

  private knownSideShare(): number {
    return this.totalSum > 0 ? this.knownSum / this.totalSum : 1;
  }

  /** Moves the head to second `sec`: each second passed gets a fresh bucket, unclean if the flags in effect are. */
  private advance(sec: number): void {
    if (!(sec > this.headSec)) return;
    // Past a whole window every bucket is new: start each once, not once per second elapsed.
    const from = Math.max(this.headSec + 1, sec - this.windowSec + 1);
    for (let s = from; s <= sec; s++) this.startBucket(s);
    this.headSec = sec;
  }

  /** Evicts the second a window ago from `s`'s bucket and starts `s` in it. */
  private startBucket(s: number): void {
    const i = this.slot(s);
    this.badSum -= this.bad[i]!;
    this.knownSum -= this.known[i]!;
    this.totalSum -= this.total[i]!;
    const bad = (this.flags & DATA_QUALITY_BAD_FLAGS) !== 0 ? 1 : 0;
    this.bad[i] = bad;
    this.badSum += bad;
    this.known[i] = 0;
    this.total[i] = 0;
  }

  private slot(s: number): number {
    const r = s % this.windowSec;
    return r < 0 ? r + this.windowSec : r;
  }
}
