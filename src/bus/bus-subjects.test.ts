import { describe, expect, test } from 'vitest';
import { isNodeId, subjectOf, symbolOfTopic, topicOf } from './bus-subjects.js';

describe('bus subjects', () => {
  test('a topic travels under mia. and comes back unchanged', () => {
    for (const t of ['snapshot.ES', 'bar.NQ.1m', 'bar.ES.4h', 'signal.ES', 'risk', 'alert']) {
      expect(subjectOf(t)).toBe(`mia.${t}`);
      expect(topicOf(subjectOf(t))).toBe(t);
    }
    expect(topicOf('other.bar.ES.1m')).toBeUndefined();
  });

  test('the symbol of a topic, none for the cluster-wide topics', () => {
    expect(symbolOfTopic('bar.ES.1m')).toBe('ES');
    expect(symbolOfTopic('snapshot.NQ')).toBe('NQ');
    expect(symbolOfTopic('signal.ES')).toBe('ES');
    expect(symbolOfTopic('status')).toBeUndefined();
    expect(symbolOfTopic('risk')).toBeUndefined();
  });

  test('node ids are one subject token', () => {
    expect(isNodeId('node-1')).toBe(true);
    expect(isNodeId('a.b')).toBe(false);
    expect(isNodeId('')).toBe(false);
    expect(isNodeId('x>')).toBe(false);
  });
});
