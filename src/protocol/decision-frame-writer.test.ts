import * as flatbuffers from 'flatbuffers';
import { describe, expect, test } from 'vitest';
import { isoNs } from '../model/time.js';
import { DecisionFrameWriter } from './decision-frame-writer.js';
import { decodeFrame } from './frame-decoder.js';
import type { DecisionMessage, RiskMessage } from './messages.js';

const tsNs = 1_703_545_200_123_456_789n;

function decision(over: Partial<DecisionMessage> = {}): DecisionMessage {
  return {
    type: 'signal', topic: 'signal.ESH4', symbol: 'ESH4', sequence: 42, ts: isoNs(tsNs), tsNs: tsNs.toString(),
    score: 0.31, confidence: 0.8, direction: 'long',
    features: {
      confluence_score: 0.5, momentum_flow: -0.25, trend_alignment: 1, volume_profile: null, support_resistance: 0.125,
      market_regime_score: 0.75, volatility_regime: null, time_factor: 0.6,
    },
    regime: { market: { trendUp: 0.75, trendDown: 0, range: 0.25 }, volatility: null },
    expiry: { phase: 'gamma_peak', factor: 1.3, daysToExpiry: 4 },
    directions: { '1m': 0.4375, '5m': -1, '15m': 0, '1h': null, '4h': null },
    smartMoney: { largeFlow: 0.25, stacked: -0.5, absorption: 0, book: null, score: 0.125 },
    ml: { enabled: true, state: 'scored', scores: [0.625, 0.5, 0.75], mean: 0.625, approved: true, hashes: ['a'.repeat(64), 'b'.repeat(64), 'c'.repeat(64)] },
    risk: { evaluated: true, approved: true, reason: null, qty: 2, stopPrice: 4788, targetPrice: 4792, alert: 'INFO' },
    snapshotPublishedUs: 1_703_545_201_000_000, publishedUs: 1_703_545_201_000_256,
    ...over,
  };
}

describe('Decision and RiskState frames', () => {
  test('a decision decodes to the message it was built from, nulls included', () => {
    const w = new DecisionFrameWriter();
    for (const d of [
      decision(),
      decision({
        direction: 'flat', regime: { market: null, volatility: { low: 0.1, normal: 0.7, high: 0.2 } },
        ml: { enabled: false, state: 'off', scores: [], mean: null, approved: false, hashes: [] },
        risk: { evaluated: false, approved: false, reason: null, qty: 0, stopPrice: null, targetPrice: null, alert: 'WARNING' },
      }),
      decision({ direction: 'short', risk: { evaluated: true, approved: false, reason: 'MIA_RISK_MAX_POSITION', qty: 0, stopPrice: null, targetPrice: null, alert: 'CRITICAL' } }),
    ]) {
      expect(decodeFrame(w.decision(d))).toEqual(d);
    }
  });

  test('a decision with its strategy decodes to it; one without has none', () => {
    const w = new DecisionFrameWriter();
    const withStrategy = decision({ direction: 'short', strategy: { id: 'range', reason: 'range-fade-vah', signalDirection: 'long' } });
    expect(decodeFrame(w.decision(withStrategy))).toEqual(withStrategy);
    const flat = decision({ direction: 'flat', strategy: { id: 'trend', reason: 'trend-no-pullback', signalDirection: 'flat' } });
    expect(decodeFrame(w.decision(flat))).toEqual(flat);
    expect(decodeFrame(w.decision(decision()))).not.toHaveProperty('strategy');
  });

  test("an explained decision's SHAP base values and 24 contributions decode to the numbers built (float64, exact)", () => {
    const w = new DecisionFrameWriter();
    const shapValues = Array.from({ length: 24 }, (_, i) => (i - 11.5) / 7);
    const d = decision({ ml: { ...decision().ml, shapBase: [-0.25, 0.125, 0.4375], shapValues } });
    expect(decodeFrame(w.decision(d))).toEqual(d);
  });

  test('a risk state decodes to the message it was built from', () => {
    const w = new DecisionFrameWriter();
    const r: RiskMessage = {
      type: 'risk', topic: 'risk', alert: 'WARNING', halted: false, balance: 24_750.5, dailyPnl: -249.5, consecutiveLosses: 3,
      positions: [{ symbol: 'ES', qty: -2 }, { symbol: 'NQ', qty: 0 }], lastRefusal: 'MIA_RISK_NO_EDGE', lastRefusalSymbol: 'ES',
      ordersEnabled: false, limits: { dailyLoss: 500, maxConsecutiveLosses: 5, maxPosition: 2, minBalance: 1000 }, publishedUs: 1_703_545_201_000_000,
    };
    expect(decodeFrame(w.riskState(r))).toEqual(r);
    const empty: RiskMessage = { ...r, positions: [], lastRefusal: null, lastRefusalSymbol: null, halted: true, alert: 'CATASTROPHE' };
    expect(decodeFrame(w.riskState(empty))).toEqual(empty);
  });

  test('frames of a server before the directions, smart money and limits were sent decode them as unknown', async () => {
    const { Decision } = await import('./generated/mia/decision.js');
    const { RiskState } = await import('./generated/mia/risk-state.js');
    const { Frame } = await import('./generated/mia/frame.js');
    const { Payload } = await import('./generated/mia/payload.js');
    const old = (type: number, build: (b: flatbuffers.Builder) => number, topic: string): Uint8Array => {
      const b = new flatbuffers.Builder(256);
      const t = b.createString(topic);
      const payload = build(b);
      Frame.finishFrameBuffer(b, Frame.createFrame(b, t, type, payload));
      return b.asUint8Array();
    };
    const d = decodeFrame(old(Payload.Decision, (b) => {
      const sym = b.createString('ES');
      Decision.startDecision(b);
      Decision.addSymbol(b, sym);
      return Decision.endDecision(b);
    }, 'signal.ES')) as DecisionMessage;
    expect(d.directions).toEqual({ '1m': null, '5m': null, '15m': null, '1h': null, '4h': null });
    expect(d.smartMoney).toEqual({ largeFlow: null, stacked: null, absorption: null, book: null, score: null });
    const r = decodeFrame(old(Payload.RiskState, (b) => {
      const alert = b.createString('INFO');
      RiskState.startRiskState(b);
      RiskState.addAlert(b, alert);
      return RiskState.endRiskState(b);
    }, 'risk')) as RiskMessage;
    expect(r.limits).toEqual({ dailyLoss: null, maxConsecutiveLosses: 0, maxPosition: 0, minBalance: null });
  });

  test('the existing payload type ids are unchanged (new members are appended to the union)', async () => {
    const { Payload } = await import('./generated/mia/payload.js');
    expect(Payload).toMatchObject({ NONE: 0, Snapshot: 1, ClosedBar: 2, Status: 3, Decision: 4, RiskState: 5 });
  });
});
