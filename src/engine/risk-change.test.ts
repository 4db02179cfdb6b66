import { describe, expect, it } from 'vitest';
import type { PositionLedger } from '../execution/position-ledger.js';
import type { RiskEngine } from '../risk/risk-engine.js';
import { RiskChange } from './risk-change.js';

/** A risk engine and ledger as plain fields (the parts RiskChange reads). */
function stubs(): { r: { alert: string; isHalted: boolean; balance: number; dailyPnl: number; consecutiveLosses: number }; pos: Map<string, number> } {
  return { r: { alert: 'NORMAL', isHalted: false, balance: 25_000, dailyPnl: 0, consecutiveLosses: 0 }, pos: new Map([['ES', 0], ['NQ', 0]]) };
}

describe('RiskChange', () => {
  it('answers true once, then only when a field of the published state changes', () => {
    const { r, pos } = stubs();
    const c = new RiskChange(['ES', 'NQ']);
    const risk = r as unknown as RiskEngine;
    const ledger = { position: (s: string) => pos.get(s) ?? 0 } as unknown as PositionLedger;
    expect(c.changed(risk, ledger, null, null)).toBe(true);
    expect(c.changed(risk, ledger, null, null)).toBe(false);
    r.balance = 24_990;
    expect(c.changed(risk, ledger, null, null)).toBe(true);
    pos.set('NQ', -2);
    expect(c.changed(risk, ledger, null, null)).toBe(true);
    expect(c.changed(risk, ledger, 'MAX_POSITION', 'NQ')).toBe(true);
    expect(c.changed(risk, ledger, 'MAX_POSITION', 'NQ')).toBe(false);
    r.alert = 'WARNING';
    expect(c.changed(risk, ledger, 'MAX_POSITION', 'NQ')).toBe(true);
    r.isHalted = true;
    expect(c.changed(risk, ledger, 'MAX_POSITION', 'NQ')).toBe(true);
  });

  it('counts 0 and -0 as one value, and NaN as equal to itself, as their decimal text does', () => {
    const { r, pos } = stubs();
    const c = new RiskChange(['ES']);
    const risk = r as unknown as RiskEngine;
    const ledger = { position: (s: string) => pos.get(s) ?? 0 } as unknown as PositionLedger;
    r.dailyPnl = Number.NaN;
    expect(c.changed(risk, ledger, null, null)).toBe(true);
    expect(c.changed(risk, ledger, null, null)).toBe(false);
    pos.set('ES', -0);
    expect(c.changed(risk, ledger, null, null)).toBe(false);
    c.reset();
    expect(c.changed(risk, ledger, null, null)).toBe(true);
  });
});
