import { describe, expect, test } from 'vitest';
import type { SessionJson } from '../protocol/messages.js';
import { momentumFlow, supportResistance, timeFactor, volumeProfilePosition } from './features.js';

const session: SessionJson = {
  poc: 100, vah: 102, val: 98, vaCoverage: 0.7, hvn: [], lvn: [],
  vwap: 100.5, vwapSigma: 1, vwapUpper1: 101.5, vwapLower1: 99.5, vwapUpper2: 102.5, vwapLower2: 98.5, inferredShare: 0,
};

describe('volumeProfilePosition', () => {
  test('half the value area is the unit: 101 → 0.5, beyond the edges ±1', () => {
    expect(volumeProfilePosition(101, session)).toBe(0.5);
    expect(volumeProfilePosition(99.5, session)).toBe(-0.25);
    expect(volumeProfilePosition(103, session)).toBe(1);
    expect(volumeProfilePosition(97, session)).toBe(-1);
    expect(volumeProfilePosition(99, { poc: 100, vah: 100, val: 100 })).toBe(-1);
  });
});

describe('supportResistance', () => {
  test('100.1 between POC 100 and VWAP 100.5: (0.4 − 0.1) / 0.5 = 0.6', () => {
    expect(supportResistance(100.1, session)).toBeCloseTo(0.6, 12);
  });
  test('midway is 0, on a level 0, beyond every level ±1', () => {
    expect(supportResistance(100.25, session)).toBe(0);
    expect(supportResistance(100, session)).toBe(0);
    expect(supportResistance(103, session)).toBe(1);
    expect(supportResistance(97, session)).toBe(-1);
  });
  test('an HVN counts as a level', () => {
    // support VWAP+2σ 102.5 (0.5 below), resistance HVN 104 (1 above): (1 − 0.5) / 1.5
    expect(supportResistance(103, { ...session, hvn: [104] })).toBeCloseTo(1 / 3, 12);
  });
});

describe('timeFactor', () => {
  test.each([
    ['Wednesday 10:00 RTH', 600, 3, true, 1],
    ['Wednesday 03:00 overnight', 180, 3, true, 0.6],
    ['Wednesday 16:30 after the cash close', 990, 3, true, 0.6],
    ['Wednesday 17:30 maintenance break', 1050, 3, true, 0],
    ['Friday 17:10 week closed', 1030, 5, true, 0],
    ['Saturday', 600, 6, false, 0],
    ['Sunday 12:00 before the open', 720, 0, false, 0],
    ['Sunday 18:30 Globex open', 1110, 0, false, 0.6],
    ['holiday Monday 10:00 (no cash session)', 600, 1, false, 0.6],
  ])('%s → %f', (_name, minute, wd, business, want) => {
    expect(timeFactor(minute, wd, business)).toBe(want);
  });
});

describe('momentumFlow', () => {
  test('mean of (RSI − 50) / 50, delta ratio and smart money present', () => {
    expect(momentumFlow(70, 0.2, null)).toBeCloseTo((0.4 + 0.2) / 2, 12);
    expect(momentumFlow(25, -0.5, 0)).toBeCloseTo((-0.5 - 0.5 + 0) / 3, 12);
    expect(momentumFlow(null, null, null)).toBeNull();
  });
});
