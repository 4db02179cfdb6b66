import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { controlMessages } from '../../src/protocol/control-protocol.js';

const bytes = (s: string): number => new TextEncoder().encode(s).length;

describe('controlMessages', () => {
  test('batches stay within the byte and topic limits and keep every topic in order', () => {
    fc.assert(fc.property(fc.array(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), { maxLength: 80 }),
      fc.integer({ min: 64, max: 600 }), fc.integer({ min: 1, max: 20 }), (topics, maxBytes, maxTopics) => {
        const out = controlMessages('subscribe', topics, maxBytes, maxTopics);
        const parsed = out.map((m) => JSON.parse(m) as { op: string; topics: string[] });
        expect(parsed.flatMap((m) => m.topics)).toEqual(topics);
        for (const [i, m] of out.entries()) {
          expect(parsed[i]!.op).toBe('subscribe');
          expect(parsed[i]!.topics.length).toBeLessThanOrEqual(maxTopics);
          if (parsed[i]!.topics.length > 1) expect(bytes(m)).toBeLessThanOrEqual(maxBytes);
        }
      }));
  });

  test('no topics, no message', () => {
    expect(controlMessages('unsubscribe', [])).toEqual([]);
  });
});
