/** Connection and behaviour settings of the Interactive Brokers adapter. */
export interface IbSettings {
  /** TWS / IB Gateway host (default 127.0.0.1). */
  host: string;
  /** API port: 4002 paper Gateway (default), 4001 live Gateway, 7497 paper TWS, 7496 live TWS. */
  port: number;
  /** API client id (default 0); on a persistent 326 the adapter moves to clientId + 1, + 2, … */
  clientId: number;
  /** Attempts with the same client id after 326 before falling back to the next id. */
  clientIdRetries: number;
  /** First reconnect delay and its cap, ms (capped exponential backoff with jitter). */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Time a connection attempt may take up to nextValidId, ms. */
  connectTimeoutMs: number;
  /** Time IbSource.open waits for the first connection and the contracts, ms. */
  startTimeoutMs: number;
  /** Silence after which a heartbeat (reqCurrentTime) is sent, and after which the socket counts as dead, ms. */
  heartbeatMs: number;
  heartbeatTimeoutMs: number;
  /** Outgoing messages per second and burst (any one-second window carries at most their sum; TWS allows 50). */
  ratePerSec: number;
  burst: number;
  /** Historical requests per window (IB: 60 per 10 minutes). */
  historicalMax: number;
  historicalWindowMs: number;
  /** Backfill on start: trades of the last `backfillSec` seconds. */
  backfillSec: number;
  /** Ticks per historical page (IB's maximum is 1000) and pages per backfill before the gap is declared lost. */
  backfillPageTicks: number;
  backfillMaxPages: number;
  /** Time a historical page may take, ms; attempts per page before the gap is declared lost. */
  historicalTimeoutMs: number;
  historicalRetries: number;
  /** After the history reached the live stream, time to wait for a live trade past the seam, ms. */
  settleMs: number;
  /** How long snapshots keep the Gap flag after a gap that could not be backfilled, ms. */
  lostGapFlagMs: number;
  /**
   * How long snapshots keep the Gap flag after 1-minute bars filled a gap, in market seconds from the end of
   * the bars: until the longest default timeframe (4 h) no longer holds a bar made of stand-in trades.
   */
  barFillFlagSec: number;
  /** Market-depth rows per side. */
  depthRows: number;
  /**
   * Undecodable messages (@stoqey/ib's error 505) accepted in one second before the connection counts as
   * sending garbage and is replaced (MIA_ERR_IB_DECODE): a few are skipped, a stream of them is not a gateway.
   */
  maxDecodeErrorsPerSec: number;
  /** Wall clock in epoch seconds: what "now" is for the roll rule and the start-up backfill. */
  nowSec: () => number;
}

/** Defaults: the paper Gateway on this host, production-sized timings. */
export const IB_DEFAULTS: IbSettings = {
  host: '127.0.0.1',
  port: 4002,
  clientId: 0,
  clientIdRetries: 2,
  backoffBaseMs: 500,
  backoffCapMs: 30_000,
  connectTimeoutMs: 10_000,
  startTimeoutMs: 60_000,
  heartbeatMs: 10_000,
  heartbeatTimeoutMs: 30_000,
  ratePerSec: 40,
  burst: 10,
  historicalMax: 55,
  historicalWindowMs: 600_000,
  backfillSec: 900,
  backfillPageTicks: 1000,
  backfillMaxPages: 20,
  historicalTimeoutMs: 20_000,
  historicalRetries: 3,
  settleMs: 2_000,
  lostGapFlagMs: 4 * 3600_000,
  barFillFlagSec: 4 * 3600,
  depthRows: 10,
  maxDecodeErrorsPerSec: 50,
  nowSec: () => Date.now() / 1000,
};

/**
 * Settings from explicit values, then the environment (`MIA_IB_HOST`, `MIA_IB_PORT`, `MIA_IB_CLIENT_ID`),
 * then the defaults.
 */
export function resolveIbSettings(given: Partial<IbSettings> = {}, env: NodeJS.ProcessEnv = process.env): IbSettings {
  const fromEnv: Partial<IbSettings> = {};
  if (env.MIA_IB_HOST) fromEnv.host = env.MIA_IB_HOST;
  if (env.MIA_IB_PORT && Number.isInteger(Number(env.MIA_IB_PORT))) fromEnv.port = Number(env.MIA_IB_PORT);
  if (env.MIA_IB_CLIENT_ID && Number.isInteger(Number(env.MIA_IB_CLIENT_ID))) fromEnv.clientId = Number(env.MIA_IB_CLIENT_ID);
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<IbSettings>;
  return { ...IB_DEFAULTS, ...fromEnv, ...defined };
}
