// Expected sizes by hand: ES 8-tick stop risks 8 · $12.50 = $100 a contract, NQ 8 · $5 = $40; the default
// 16/8 bracket pays b = 2; stake = balance · Kelly · 0.25.
import { describe, expect, test } from 'vitest';
import { RiskReason } from './reason-codes.js';
import { RiskEngine, type OrderIntent, type PositionBook, type RiskAlert } from './risk-engine.js';

const esLong: OrderIntent = { symbol: 'ES', side: 'long', entryPrice: 5000, winProbability: 0.55 };

/** A hand-kept position book (in the engine, the ledger of fills is the book); `fill` moves a position. */
function book(): PositionBook & { fill(symbol: string, qty: number): void } {
  const held = new Map<string, number>();
  return {
    position: (s) => held.get(s) ?? 0,
    openPositions: () => [...held].filter(([, q]) => q !== 0),
    fill: (s, q) => void held.set(s, (held.get(s) ?? 0) + q),
  };
}

function engine(balance = 10_000, config = {}) {
  const alerts: RiskAlert[] = [];
  const positions = book();
  return { risk: new RiskEngine(balance, config, (a) => alerts.push(a), positions), alerts, positions };
}

const refusal = (d: ReturnType<RiskEngine['evaluate']>) => (d.approved ? 'approved' : d.reason);

describe('RiskEngine sizing', () => {
  test('Kelly 0.325 · 0.25 of $10,000 = $812.50 → 8 ES contracts, capped at max position 2, with an 8/16-tick bracket', () => {
    const d = engine().risk.evaluate(esLong);
    expect(d).toMatchObject({ approved: true, qty: 2, stopPrice: 4998, targetPrice: 5004, stopTicks: 8, targetTicks: 16, riskUsd: 200 });
    expect(d.approved && d.kelly).toBeCloseTo(0.325, 12);
  });

  test('a short NQ: stake 2000 · 0.25 · 0.25 = $125 → 3 at $40, capped at 2; stop above, target below', () => {
    const d = engine(2000).risk.evaluate({ symbol: 'NQH5', side: 'short', entryPrice: 20000, winProbability: 0.5 });
    expect(d).toMatchObject({ approved: true, qty: 2, stopPrice: 20002, targetPrice: 19996, riskUsd: 80 });
  });

  test('the expiry position factor scales the stake: 8 contracts become 5 at 0.7 and 10 at 1.3', () => {
    const { risk } = engine(10_000, { maxPosition: 20, dailyLossLimit: 5000 });
    expect(risk.evaluate(esLong)).toMatchObject({ qty: 8 });
    expect(risk.evaluate({ ...esLong, positionFactor: 0.7 })).toMatchObject({ qty: 5 }); // 568.75 / 100
    expect(risk.evaluate({ ...esLong, positionFactor: 1.3 })).toMatchObject({ qty: 10 }); // 1056.25 / 100
  });

  test('a strategy scales the bracket: 8/16 ticks × 0.75 are 6/12 ticks; × 1.5 on the target is 24; never below one tick', () => {
    const { risk } = engine(10_000);
    expect(risk.evaluate({ ...esLong, stopScale: 0.75, targetScale: 0.75 })).toMatchObject({ stopTicks: 6, targetTicks: 12, stopPrice: 4998.5, targetPrice: 5003 });
    expect(risk.evaluate({ ...esLong, targetScale: 1.5 })).toMatchObject({ stopTicks: 8, targetTicks: 24 });
    expect(risk.evaluate({ ...esLong, stopScale: 0.01 })).toMatchObject({ stopTicks: 1 });
  });

  test('ATR brackets: 1.5 and 3 ATR of 2.1 are 13 and 25 ticks; without an ATR the order is refused', () => {
    const { risk } = engine(10_000, { stop: { kind: 'atr', multiple: 1.5 }, target: { kind: 'atr', multiple: 3 } });
    expect(risk.evaluate({ ...esLong, atr: 2.1 })).toMatchObject({ approved: true, stopPrice: 4996.75, targetPrice: 5006.25, stopTicks: 13, targetTicks: 25 });
    expect(refusal(risk.evaluate(esLong))).toBe(RiskReason.NO_ATR);
  });

  test('no edge, a stake below one contract, an unknown instrument and a bad order are refused with their codes', () => {
    expect(refusal(engine().risk.evaluate({ ...esLong, winProbability: 0.3 }))).toBe(RiskReason.NO_EDGE);
    // 1500 · (0.4 − 0.3) · 0.25 = $37.50 < $100
    expect(refusal(engine(1500).risk.evaluate({ ...esLong, winProbability: 0.4 }))).toBe(RiskReason.SIZE_ZERO);
    expect(refusal(engine().risk.evaluate({ ...esLong, symbol: 'CL' }))).toBe(RiskReason.UNKNOWN_INSTRUMENT);
    expect(refusal(engine().risk.evaluate({ ...esLong, winProbability: 1.2 }))).toBe(RiskReason.BAD_ORDER);
  });
});

describe('RiskEngine limits', () => {
  test('max position: 1 held leaves 1; 2 held refuses; an opposite entry is refused', () => {
    const { risk, positions } = engine();
    positions.fill('ES', 1);
    expect(risk.evaluate(esLong)).toMatchObject({ approved: true, qty: 1 });
    positions.fill('ES', 1);
    expect(refusal(risk.evaluate(esLong))).toBe(RiskReason.MAX_POSITION);
    expect(refusal(risk.evaluate({ ...esLong, side: 'short' }))).toBe(RiskReason.OPPOSITE_POSITION);
    positions.fill('ES', -2);
    expect(risk.position('ES')).toBe(0);
  });

  test('daily loss: WARNING at $250, the size shrinks to the loss left, CRITICAL at $500, cleared by the next trade date', () => {
    const { risk, alerts } = engine();
    risk.onTradeClosed(-300, 20_000);
    expect(risk.alert).toBe('WARNING');
    risk.onTradeClosed(100, 20_000);
    risk.onTradeClosed(-250, 20_000); // day −450: $50 left, less than one contract's $100
    expect(refusal(risk.evaluate(esLong))).toBe(RiskReason.DAILY_LOSS_LIMIT);
    risk.onTradeClosed(-50, 20_000);
    expect(risk.alert).toBe('CRITICAL');
    expect(risk.dailyPnl).toBe(-500);
    expect(refusal(risk.evaluate(esLong))).toBe(RiskReason.DAILY_LOSS_LIMIT);
    risk.startDay(20_001);
    expect(risk.alert).toBe('INFO');
    expect(risk.evaluate(esLong).approved).toBe(true);
    // day P&L −300 (WARNING), −200 (INFO), −450 (WARNING), −500 (CRITICAL), next day (INFO)
    expect(alerts.map((a) => [a.level, a.reason])).toEqual([
      ['WARNING', RiskReason.DAILY_LOSS_LIMIT],
      ['INFO', null],
      ['WARNING', RiskReason.DAILY_LOSS_LIMIT],
      ['CRITICAL', RiskReason.DAILY_LOSS_LIMIT],
      ['INFO', null],
    ]);
  });

  test('consecutive losses: WARNING at 3, CRITICAL at 5; a win resets the streak', () => {
    const { risk } = engine();
    for (let i = 0; i < 3; i++) risk.onTradeClosed(-10);
    expect(risk.alert).toBe('WARNING');
    risk.onTradeClosed(5);
    expect(risk.consecutiveLosses).toBe(0);
    expect(risk.alert).toBe('INFO');
    for (let i = 0; i < 5; i++) risk.onTradeClosed(-10);
    expect(risk.alert).toBe('CRITICAL');
    expect(refusal(risk.evaluate(esLong))).toBe(RiskReason.MAX_CONSECUTIVE_LOSSES);
  });
});

describe('RiskEngine CATASTROPHE and reset', () => {
  test('a loss of twice the daily limit flattens every position and halts until reset()', () => {
    const { risk, alerts, positions } = engine();
    positions.fill('NQ', -1);
    positions.fill('ES', 2);
    risk.onTradeClosed(-1000);
    expect(risk.alert).toBe('CATASTROPHE');
    expect(risk.isHalted).toBe(true);
    expect(alerts.at(-1)).toEqual({ level: 'CATASTROPHE', previous: 'INFO', reason: RiskReason.DAILY_LOSS_LIMIT, flatten: [{ symbol: 'ES', qty: -2 }, { symbol: 'NQ', qty: 1 }] });
    positions.fill('ES', -2);
    positions.fill('NQ', 1);
    expect(refusal(risk.evaluate(esLong))).toBe(RiskReason.HALTED);
    risk.startDay(30_000); // a new trade date does not lift a halt
    expect(refusal(risk.evaluate(esLong))).toBe(RiskReason.HALTED);
    risk.reset();
    expect(risk.alert).toBe('INFO');
    expect(risk.evaluate(esLong)).toMatchObject({ approved: true, qty: 2 });
  });

  test('falling below the minimum balance is CATASTROPHE; after reset() the balance rule still refuses', () => {
    const { risk, alerts } = engine(1100);
    risk.onTradeClosed(-150);
    expect(risk.balance).toBe(950);
    expect(alerts.at(-1)).toMatchObject({ level: 'CATASTROPHE', reason: RiskReason.MIN_BALANCE, flatten: [] });
    expect(refusal(risk.evaluate(esLong))).toBe(RiskReason.HALTED);
    risk.reset();
    expect(risk.alert).toBe('CRITICAL');
    expect(refusal(risk.evaluate(esLong))).toBe(RiskReason.MIN_BALANCE);
  });

  test('declareCatastrophe from outside halts once with MIA_RISK_EXTERNAL', () => {
    const { risk, alerts } = engine();
    risk.declareCatastrophe();
    risk.declareCatastrophe(RiskReason.MIN_BALANCE);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: 'CATASTROPHE', reason: RiskReason.EXTERNAL });
    expect(refusal(risk.evaluate(esLong))).toBe(RiskReason.HALTED);
  });

  test('invalid limits throw at construction', () => {
    expect(() => new RiskEngine(1000, { maxPosition: 0 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
    expect(() => new RiskEngine(1000, { kellyMultiplier: 0 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
    expect(() => new RiskEngine(1000, { stop: { kind: 'ticks', ticks: 0 } })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
  });
});
