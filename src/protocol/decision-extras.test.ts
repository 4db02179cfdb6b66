import { describe, expect, test } from 'vitest';
import { DecisionFrameWriter } from './decision-frame-writer.js';
import { decodeFrame } from './frame-decoder.js';
import type { DecisionMessage } from './messages.js';

/** A minimal decision message; the issue-16 parts are added per case. */
function decision(over: Partial<DecisionMessage> = {}): DecisionMessage {
  return {
    type: 'signal', topic: 'signal.NQH4', symbol: 'NQH4', sequence: 7, ts: '2023-12-25T23:00:00.000000001Z', tsNs: '1703545200000000001',
    score: 0, confidence: 0, direction: 'flat',
    features: {
      confluence_score: null, momentum_flow: null, trend_alignment: null, volume_profile: null, support_resistance: null,
      market_regime_score: null, volatility_regime: null, time_factor: 0.6,
    },
    regime: { market: null, volatility: null },
    expiry: { phase: 'normal', factor: 1, daysToExpiry: 80 },
    directions: { '1m': null, '5m': null, '15m': null, '1h': null, '4h': null },
    smartMoney: { largeFlow: null, stacked: null, absorption: null, book: null, score: null },
    ml: { enabled: false, state: 'off', scores: [], mean: null, approved: false, hashes: [] },
    risk: { evaluated: false, approved: false, reason: null, qty: 0, stopPrice: null, targetPrice: null, alert: 'INFO' },
    snapshotPublishedUs: 1_703_545_201_000_000, publishedUs: 1_703_545_201_000_100,
    ...over,
  };
}

describe('patterns and drift on the Decision frame', () => {
  const w = new DecisionFrameWriter();

  test('patterns and drift decode to what was written, none as side 0 with a null price', () => {
    const d = decision({
      patterns: {
        absorption: { side: -1, price: 16_800.25 },
        exhaustion: { side: 0, price: null },
        initiative: { side: 1, price: 16_812.5 },
      },
      drift: { psi: [0.01, 0.3, null, 0, 0.5, 0.02, 0.07, 0], psiMax: 0.5, flagged: true },
    });
    expect(decodeFrame(w.decision(d))).toEqual(d);
  });

  test('a message without them gives a frame without them: absent, not neutral', () => {
    const m = decodeFrame(w.decision(decision())) as DecisionMessage;
    expect('patterns' in m).toBe(false);
    expect('drift' in m).toBe(false);
  });

  test('drift still warming up: every PSI null, psiMax null, not flagged', () => {
    const d = decision({ drift: { psi: new Array<null>(8).fill(null), psiMax: null, flagged: false } });
    expect((decodeFrame(w.decision(d)) as DecisionMessage).drift).toEqual(d.drift);
  });
});
