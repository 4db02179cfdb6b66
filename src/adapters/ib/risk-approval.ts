import type { ApprovalDecision, OrderApproval, RouteOrder } from './order-route.js';

/** What the approval reads of the risk engine (`RiskEngine` has both). */
export interface HaltState {
  readonly isHalted: boolean;
  /** The alert level (`INFO`, `WARNING`, `CRITICAL`, `CATASTROPHE`): the refusal's reason while halted. */
  readonly alert: string;
}

const YES: ApprovalDecision = { approved: true };

/**
 * The approval of IB paper orders sent for a `SignalTrader`: closes always go (a refused close leaves the
 * position open, whatever the entry limits say); a bracket is refused while the trader's risk engine is halted
 * (reason: its alert level) or before there is one, and approved otherwise, the trader having sized it through
 * that risk engine already. `risk` is read at each order: the trader is built after the venue that asks.
 */
export function riskApproval(risk: () => HaltState | undefined): OrderApproval {
  return {
    approve(order: RouteOrder): ApprovalDecision {
      if (order.kind === 'close') return YES;
      const r = risk();
      if (!r) return { approved: false, reason: 'NO_RISK_ENGINE', message: 'no risk engine to size the order yet' };
      if (r.isHalted) return { approved: false, reason: r.alert, message: 'the risk engine is halted: no new entries' };
      return YES;
    },
  };
}
