import { describe, expect, test } from 'vitest';
import { parseTradingMode } from './trading-mode.js';

describe('parseTradingMode', () => {
  test('off and paper are accepted', () => {
    expect([parseTradingMode('off'), parseTradingMode('paper')]).toEqual(['off', 'paper']);
  });

  test('live is refused with MIA_ERR_BAD_ARGUMENT saying live trading is not exposed', () => {
    expect(() => parseTradingMode('live')).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_ARGUMENT', message: expect.stringContaining('live trading is not exposed') }));
  });

  test('anything else is a coded argument error', () => {
    for (const t of ['', 'PAPER', 'on', 'real']) expect(() => parseTradingMode(t)).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_ARGUMENT' }));
  });
});
