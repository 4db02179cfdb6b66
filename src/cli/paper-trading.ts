import type { Logger } from 'pino';
import { IbExecutionVenue } from '../adapters/ib/ib-execution-venue.js';
import { IbWarningCode } from '../adapters/ib/ib-errors.js';
import type { IbOrderRoute } from '../adapters/ib/order-route.js';
import { riskApproval, type HaltState } from '../adapters/ib/risk-approval.js';
import { isMiaError } from '../common/errors.js';
import type { DecisionPipeline, DecisionPipelineOptions } from '../engine/decision-pipeline.js';
import { QualityFlag } from '../protocol/generated/mia/quality-flag.js';
import { SimBroker } from '../execution/sim-broker.js';

/** How long an IB paper shutdown waits for IB to confirm its liquidations before closing the connection. */
export const IB_LIQUIDATION_WAIT_MS = 10_000;

/** Snapshot flags on which a live session makes no entry: its data is not the market of now. */
export const LIVE_NO_ENTRY_QUALITY = QualityFlag.Gap | QualityFlag.Stale | QualityFlag.Disconnected;

/**
 * When paper trading makes no entry. Live: never on old data (the start-up backfill, a flagged or lagging snapshot).
 * A cluster node (`--bus`): not while a takeover rebuilds a symbol from its trades stream (those snapshots carry Gap).
 */
export function entryGuards(live: boolean, clusterNode: boolean, startedNs: bigint, staleMs: number): Partial<DecisionPipelineOptions> {
  if (live) return { tradeFromNs: startedNs, noEntryQuality: LIVE_NO_ENTRY_QUALITY, maxEntryLagMs: staleMs };
  return clusterNode ? { noEntryQuality: QualityFlag.Gap } : {};
}

/**
 * The venue of `mia serve --trading paper`: with `--source ib` the IB paper route behind an IbExecutionVenue,
 * its orders approved by {@link riskApproval} on the trader's risk engine (`risk`, read at each order: the
 * trader is built after the venue); with sim or replay the simulated broker of `mia backtest`.
 */
export function paperVenue(route: IbOrderRoute | undefined, risk: () => HaltState | undefined): SimBroker | IbExecutionVenue {
  return route ? new IbExecutionVenue(route, riskApproval(risk)) : new SimBroker();
}

/**
 * IB paper shutdown, once the engine has stopped taking trades and before the connection closes: the pipeline
 * finishes (every decision handled, open positions liquidated through the venue: legs cancelled, then a
 * closing market order), then waits until IB has confirmed every liquidation, at most `waitMs`. A refusal
 * (disconnected) or the wait running out is logged with its code; the connection then closes anyway. The
 * paper trading result (realised P&L) is logged last.
 */
export async function closeIbPositions(stage: DecisionPipeline | undefined, venue: IbExecutionVenue, log: Logger, waitMs = IB_LIQUIDATION_WAIT_MS): Promise<void> {
  try {
    await stage?.finish();
  } catch (e) {
    log.error({ err: e, code: isMiaError(e) ? e.code : undefined }, 'Paper positions could not be closed');
  }
  const until = performance.now() + waitMs;
  while (venue.liquidating > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
  const positions = stage?.riskState().positions.filter((p) => p.qty !== 0) ?? [];
  if (venue.liquidating > 0) {
    log.warn({ code: IbWarningCode.IB_LIQUIDATION_TIMEOUT, liquidating: venue.liquidating, waitMs, positions }, 'Paper liquidations not confirmed by IB before shutdown');
  } else if (positions.length > 0) {
    log.warn({ positions }, 'Paper positions left open at shutdown');
  }
  stage?.logTradingResult();
}
