import { describe, expect, test } from 'vitest';
import type { DecisionMessage } from '../../src/protocol/messages.js';
import { DecisionRing } from './decision-list.js';

const decision = (sequence: number): DecisionMessage => ({ sequence } as DecisionMessage);

describe('DecisionRing', () => {
  test('keeps the newest decisions up to its capacity, newest first', () => {
    const ring = new DecisionRing(3);
    for (let i = 1; i <= 5; i++) ring.push(decision(i));
    expect(ring.size).toBe(3);
    expect(ring.latestFirst().map((d) => d.sequence)).toEqual([5, 4, 3]);
    expect(ring.at(3)).toBeUndefined();
    ring.clear();
    expect(ring.latestFirst()).toEqual([]);
  });
});
