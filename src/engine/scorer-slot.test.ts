import { describe, expect, test } from 'vitest';
import type { EnsembleScore, FilterStatus } from '../ml/model-ensemble.js';
import { ScorerSlot, type DecisionScorer } from './scorer-slot.js';

/** A scorer whose scores name it (hashes all `name`). */
function named(name: string): DecisionScorer {
  const hashes: [string, string, string] = [name, name, name];
  return { score: (): EnsembleScore => ({ scores: [0.5, 0.5, 0.5], mean: 0.5, approved: false, hashes }) };
}
const filter = (dir: string): FilterStatus => ({ enabled: true, dir, threshold: 0.6, createdAt: '', models: [] });

describe('ScorerSlot', () => {
  test('a swap waits for settle (the start of a decision); applied gets the scorer taken out', () => {
    const a = named('a');
    const b = named('b');
    const slot = new ScorerSlot(a, filter('a'), 0);
    const out: DecisionScorer[] = [];
    slot.swap({ scorer: b, filter: filter('b'), missingFeature: -1, applied: (old) => out.push(old!) });
    expect(slot.pending).toBe(true);
    expect(slot.scorer).toBe(a);
    slot.settle();
    expect([slot.scorer, slot.filter, slot.missingFeature, slot.pending]).toEqual([b, filter('b'), -1, false]);
    expect(out).toEqual([a]);
    // Nothing waits: settle changes nothing and calls nothing again.
    slot.settle();
    expect(out).toEqual([a]);
  });

  test('a second swap before the next decision replaces the first, which is handed back unused', () => {
    const slot = new ScorerSlot(named('a'), filter('a'), 0);
    const b = named('b');
    const c = named('c');
    const replaced: DecisionScorer[] = [];
    const applied: string[] = [];
    slot.swap({ scorer: b, filter: filter('b'), replaced: (s) => replaced.push(s), applied: () => applied.push('b') });
    slot.swap({ scorer: c, filter: filter('c'), applied: () => applied.push('c') });
    expect(replaced).toEqual([b]);
    slot.settle();
    expect(slot.scorer).toBe(c);
    // The missing value stays when the swap gives none.
    expect(slot.missingFeature).toBe(0);
    expect(applied).toEqual(['c']);
  });
});
