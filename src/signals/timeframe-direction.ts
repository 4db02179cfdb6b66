import { configError, ErrorCode } from '../common/errors.js';
import { Atr } from './indicators/atr.js';
import { Ema } from './indicators/ema.js';
import { checkPeriod, type BarIndicator } from './indicators/indicator.js';

/** Parameters of a timeframe's direction. */
export interface DirectionConfig {
  fastPeriod: number;
  slowPeriod: number;
  atrPeriod: number;
  /** EMA spread, in ATRs, that counts as a full-strength direction (±1). */
  fullSpreadAtr: number;
}

/** Defaults: EMA 9 / 21 on closes, ATR 14, full strength at a spread of half an ATR. */
export const DEFAULT_DIRECTION_CONFIG: DirectionConfig = { fastPeriod: 9, slowPeriod: 21, atrPeriod: 14, fullSpreadAtr: 0.5 };

/**
 * Direction of one timeframe from its closed bars, in [−1, 1]:
 * d = clamp((EMA_fast − EMA_slow) / (fullSpreadAtr · ATR), −1, 1). Normalising by ATR makes directions of
 * different timeframes and instruments comparable before they are weighted into the confluence. With an
 * ATR of 0 (no range at all) the direction is the sign of the spread. Null until both EMAs and the ATR
 * are warm.
 */
export class TimeframeDirection implements BarIndicator {
  /** Parameters in use. */
  readonly config: DirectionConfig;
  private readonly fast: Ema;
  private readonly slow: Ema;
  private readonly atr: Atr;
  private out: number | null = null;

  constructor(config: DirectionConfig = DEFAULT_DIRECTION_CONFIG) {
    checkPeriod('TimeframeDirection fastPeriod', config.fastPeriod);
    checkPeriod('TimeframeDirection slowPeriod', config.slowPeriod);
    if (config.fastPeriod >= config.slowPeriod) throw configError(ErrorCode.BAD_CONFIG, 'TimeframeDirection: fastPeriod must be < slowPeriod');
    if (!(config.fullSpreadAtr > 0)) throw configError(ErrorCode.BAD_CONFIG, 'TimeframeDirection: fullSpreadAtr must be > 0');
    this.config = config;
    this.fast = new Ema(config.fastPeriod);
    this.slow = new Ema(config.slowPeriod);
    this.atr = new Atr(config.atrPeriod);
  }

  /** Adds a closed bar; returns the direction once warm. */
  update(high: number, low: number, close: number): number | null {
    const f = this.fast.update(close);
    const s = this.slow.update(close);
    const a = this.atr.update(high, low, close);
    if (f === null || s === null || a === null) return this.out;
    const spread = f - s;
    if (a === 0) this.out = spread > 0 ? 1 : spread < 0 ? -1 : 0;
    else this.out = Math.max(-1, Math.min(1, spread / (this.config.fullSpreadAtr * a)));
    return this.out;
  }

  /** Latest direction, null during warm-up. */
  get value(): number | null {
    return this.out;
  }
  /** Bars accepted. */
  get count(): number {
    return this.atr.count;
  }
  /** True after the first bar. */
  get hasInputs(): boolean {
    return this.atr.hasInputs;
  }
  /** True once warm. */
  get initialized(): boolean {
    return this.out !== null;
  }
  /** Forgets every bar. */
  reset(): void {
    this.fast.reset();
    this.slow.reset();
    this.atr.reset();
    this.out = null;
  }
}
