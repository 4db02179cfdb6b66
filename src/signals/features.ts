import type { SessionInput } from '../model/signal-input.js';

/** The eight features of the original system (docs/signals.md defines each); null while unknown. */
export interface FeatureVector {
  confluence_score: number | null;
  momentum_flow: number | null;
  trend_alignment: number | null;
  volume_profile: number | null;
  support_resistance: number | null;
  market_regime_score: number | null;
  volatility_regime: number | null;
  time_factor: number;
}

/** Feature names in the vector's fixed order (the order models are trained on). */
export const FEATURE_NAMES = [
  'confluence_score',
  'momentum_flow',
  'trend_alignment',
  'volume_profile',
  'support_resistance',
  'market_regime_score',
  'volatility_regime',
  'time_factor',
] as const;

/** A feature vector in model input form: FEATURE_NAMES order, null (not warm yet) as `missing`. */
export function featureRow(f: Record<(typeof FEATURE_NAMES)[number], number | null>, missing = 0, out = new Float32Array(FEATURE_NAMES.length)): Float32Array {
  for (let j = 0; j < FEATURE_NAMES.length; j++) out[j] = f[FEATURE_NAMES[j]!] ?? missing;
  return out;
}

const clamp1 = (x: number): number => (x < -1 ? -1 : x > 1 ? 1 : x);

/**
 * volume_profile: where the price sits in the session profile, clamp((price − POC) / ((VAH − VAL) / 2),
 * −1, 1): 0 at the POC, ±1 at or beyond the value-area edge on that side (half the value area is the
 * unit, so a symmetric value area maps VAH to +1 and VAL to −1). With a one-row value area, the sign.
 */
export function volumeProfilePosition(price: number, s: Pick<SessionInput, 'poc' | 'vah' | 'val'>): number {
  const half = (s.vah - s.val) / 2;
  const d = price - s.poc;
  if (half <= 0) return Math.sign(d);
  return clamp1(d / half);
}

/**
 * support_resistance: room to the nearest resistance against room to the nearest support among the
 * session's reference levels (VAL, POC, VAH, VWAP and its ±1σ/±2σ bands, HVNs):
 * (dRes − dSup) / (dRes + dSup), in [−1, 1]. +1 sitting on support far from resistance, −1 the reverse.
 * No level below: −1 (no support); no level above: +1 (no overhead supply); price on a level: 0.
 */
export function supportResistance(price: number, s: SessionInput): number {
  let sup = -Infinity;
  let res = Infinity;
  const take = (l: number): void => {
    if (!Number.isFinite(l) || l <= 0) return;
    if (l <= price && l > sup) sup = l;
    if (l >= price && l < res) res = l;
  };
  take(s.val);
  take(s.poc);
  take(s.vah);
  take(s.vwap);
  take(s.vwapLower1);
  take(s.vwapUpper1);
  take(s.vwapLower2);
  take(s.vwapUpper2);
  for (let i = 0; i < s.hvn.length; i++) take(s.hvn[i]!);
  if (sup === -Infinity && res === Infinity) return 0;
  if (sup === -Infinity) return -1;
  if (res === Infinity) return 1;
  const dSup = price - sup;
  const dRes = res - price;
  return dSup + dRes === 0 ? 0 : (dRes - dSup) / (dRes + dSup);
}

/** Session-time weights of time_factor. */
export interface TimeFactorConfig {
  /** New York 09:30–16:00 on business days. */
  rth: number;
  /** Globex outside RTH (18:00–09:30 and 16:00–17:00 New York). */
  eth: number;
  /** The daily maintenance break 17:00–18:00 New York, and weekends. */
  closed: number;
}

/** Defaults: RTH 1.0, overnight 0.6 (thinner book, wider spreads), closed 0. */
export const DEFAULT_TIME_FACTOR: TimeFactorConfig = { rth: 1.0, eth: 0.6, closed: 0 };

/**
 * time_factor from New York wall time: `minute` after midnight and `weekday` (0 Sunday … 6 Saturday), of a
 * business day or not. Globex opens Sunday 18:00 and closes Friday 17:00 New York.
 */
export function timeFactor(minute: number, weekday: number, businessDay: boolean, cfg: TimeFactorConfig = DEFAULT_TIME_FACTOR): number {
  if (weekday === 6) return cfg.closed;
  if (weekday === 0) return minute >= 18 * 60 ? cfg.eth : cfg.closed;
  if (minute >= 17 * 60 && minute < 18 * 60) return cfg.closed;
  if (weekday === 5 && minute >= 17 * 60) return cfg.closed;
  if (businessDay && minute >= 9 * 60 + 30 && minute < 16 * 60) return cfg.rth;
  return cfg.eth;
}

/**
 * momentum_flow: mean of the components present among (RSI − 50) / 50 of the base timeframe,
 * Σ delta / Σ volume over the last bars, and the smart-money score; each is in [−1, 1].
 */
export function momentumFlow(rsi: number | null, deltaRatio: number | null, smartMoney: number | null): number | null {
  let n = 0;
  let s = 0;
  if (rsi !== null) (s += (rsi - 50) / 50), n++;
  if (deltaRatio !== null) (s += deltaRatio), n++;
  if (smartMoney !== null) (s += smartMoney), n++;
  return n === 0 ? null : s / n;
}
