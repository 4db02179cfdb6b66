import { describe, expect, test } from 'vitest';
import { bracketTag, strategyOfTag } from './bracket-tag.js';

describe('bracket tags', () => {
  test('the trade id alone without a strategy, trade id/strategy with one; read back', () => {
    expect(bracketTag(12, undefined)).toBe('12');
    expect(bracketTag(12, 'trend')).toBe('12/trend');
    expect(strategyOfTag('12/trend')).toBe('trend');
    expect(strategyOfTag('12')).toBe('signal');
  });

  test('a liquidation, no tag or a foreign tag has no strategy', () => {
    expect(strategyOfTag('liquidate')).toBeNull();
    expect(strategyOfTag(undefined)).toBeNull();
    expect(strategyOfTag('12/Trend!')).toBeNull();
  });
});
