import type { AlertSeverity } from '../protocol/messages.js';
import { DEFAULT_FEATURE_DRIFT_CONFIG } from '../ml/drift-window.js';

/** What every rule has: whether it runs, how much it matters, and its timing (ms). */
export interface RuleTiming {
  enabled: boolean;
  severity: AlertSeverity;
  /** How long the condition must hold before the alert is raised. */
  forMs: number;
  /** Least time between two notifications of one alert while it holds (the rate limit). */
  repeatMs: number;
  /** Hold-down: how long the condition must stay clear before the alert is resolved (a flapping condition stays one alert). */
  clearMs: number;
}

/** tick → published p99 over the last `windowMs` above `p99Ms`. */
export interface LatencyRule extends RuleTiming {
  p99Ms: number;
  windowMs: number;
}

/** Drawdown from the peak balance: in dollars, as a share of the peak, or either (a null limit is not checked). */
export interface DrawdownRule extends RuleTiming {
  usd: number | null;
  share: number | null;
}

/** The journal writer falling behind: its lag or its queue above a limit. */
export interface JournalLagRule extends RuleTiming {
  lagMs: number;
  queueDepth: number;
}

/** A symbol's data-quality score (0 to 1) under `min`. */
export interface DataQualityRule extends RuleTiming {
  min: number;
}

/** A symbol's largest feature PSI (docs/ml.md "Feature drift") at or above `psi`. */
export interface FeatureDriftRule extends RuleTiming {
  psi: number;
}

/** Every rule, by its name in the alerts file (docs/alerts.md). */
export interface AlertRules {
  latency: LatencyRule;
  feedStale: RuleTiming;
  feedGap: RuleTiming;
  feedDisconnected: RuleTiming;
  riskInfo: RuleTiming;
  riskWarning: RuleTiming;
  riskCritical: RuleTiming;
  riskCatastrophe: RuleTiming;
  riskHalted: RuleTiming;
  drawdown: DrawdownRule;
  journalLag: JournalLagRule;
  dataQuality: DataQualityRule;
  featureDrift: FeatureDriftRule;
}

/** One rule's name. */
export type RuleName = keyof AlertRules;

/** How alerts reach the webhooks (URLs come from the environment only, see delivery-targets.ts). */
export interface DeliverySettings {
  /** Least severity sent to webhooks (every alert still goes on the stream, /health and the journal). */
  minSeverity: AlertSeverity;
  /** One request's time limit. */
  timeoutMs: number;
  /** Attempts after the first one that failed (a timeout, a connection error, HTTP 429 or 5xx). */
  retries: number;
  /** Backoff between attempts (src/common/backoff.ts, equal jitter). */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Alerts waiting per target; when full the oldest is dropped and counted. */
  outboxSize: number;
}

/** The whole configuration of `mia serve --alerts FILE`. */
export interface AlertSettings {
  /** How often the rules are evaluated (a timer, never the tick path). */
  evaluateMs: number;
  rules: AlertRules;
  delivery: DeliverySettings;
}

const MINUTE = 60_000;

function timing(severity: AlertSeverity, over: Partial<RuleTiming> = {}): RuleTiming {
  return { enabled: true, severity, forMs: 0, repeatMs: 5 * MINUTE, clearMs: 30_000, ...over };
}

/**
 * The defaults, used without `--alerts` and for every key an alerts file leaves out (docs/alerts.md says why
 * each number). 50 ms is a tenth of the original system's 500 ms snapshot budget and 5× the p99 measured on
 * the 2-vCPU VM (bench/RESULTS.md); INFO is the risk engine's normal level, so its rule is off.
 */
export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  evaluateMs: 1000,
  rules: {
    latency: { ...timing('warning', { forMs: 30_000 }), p99Ms: 50, windowMs: 10_000 },
    feedStale: timing('warning'),
    feedGap: timing('warning'),
    feedDisconnected: timing('critical'),
    riskInfo: timing('info', { enabled: false }),
    riskWarning: timing('warning'),
    riskCritical: timing('critical'),
    riskCatastrophe: timing('critical'),
    riskHalted: timing('critical'),
    drawdown: { ...timing('warning'), usd: null, share: 0.05 },
    journalLag: { ...timing('warning', { forMs: 10_000 }), lagMs: 5000, queueDepth: 10_000 },
    dataQuality: { ...timing('warning'), min: 0.9 },
    featureDrift: { ...timing('warning'), psi: DEFAULT_FEATURE_DRIFT_CONFIG.threshold },
  },
  delivery: { minSeverity: 'warning', timeoutMs: 5000, retries: 3, initialDelayMs: 1000, maxDelayMs: 30_000, outboxSize: 500 },
};

/** The rule names in the order /health and the docs list them. */
export const RULE_NAMES = Object.keys(DEFAULT_ALERT_SETTINGS.rules) as RuleName[];

/** Severity order, for `minSeverity`. */
export const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };
