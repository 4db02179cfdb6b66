import { describe, expect, test } from 'vitest';
import { RiskEngine } from '../../risk/risk-engine.js';
import type { BracketOrder, CloseOrder } from './order-route.js';
import { riskApproval } from './risk-approval.js';

const bracket: BracketOrder = { kind: 'bracket', symbol: 'ES', action: 'BUY', quantity: 2, entry: 'market', stop: 4998, target: 5004, lastPrice: 5000 };
const close: CloseOrder = { kind: 'close', symbol: 'ES', action: 'SELL', quantity: 2 };

describe('riskApproval', () => {
  test('a bracket is approved while the risk engine trades; a close always', () => {
    const risk = new RiskEngine(25_000, { dailyLossLimit: 1000 });
    const a = riskApproval(() => risk);
    expect(a.approve(bracket)).toEqual({ approved: true });
    expect(a.approve(close)).toEqual({ approved: true });
  });

  test('halted (CATASTROPHE): brackets refused with the alert as reason, closes still approved', () => {
    const risk = new RiskEngine(25_000, { dailyLossLimit: 1000 });
    risk.onTradeClosed(-5000);
    expect(risk.isHalted).toBe(true);
    const a = riskApproval(() => risk);
    expect(a.approve(bracket)).toMatchObject({ approved: false, reason: 'CATASTROPHE' });
    expect(a.approve(close)).toEqual({ approved: true });
  });

  test('before the risk engine exists: brackets refused, closes approved', () => {
    const a = riskApproval(() => undefined);
    expect(a.approve(bracket)).toMatchObject({ approved: false, reason: 'NO_RISK_ENGINE' });
    expect(a.approve(close)).toEqual({ approved: true });
  });
});
