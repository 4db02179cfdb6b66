import { describe, expect, test } from 'vitest';
import { controlMessages, parseTextFrame } from './control.js';

describe('control messages', () => {
  test('a short topic list is one message', () => {
    expect(controlMessages('subscribe', ['snapshot.ES', 'bar.ES.1m'])).toEqual(['{"op":"subscribe","topics":["snapshot.ES","bar.ES.1m"]}']);
  });

  test('no topics, no message', () => {
    expect(controlMessages('unsubscribe', [])).toEqual([]);
  });

  test('a long topic list is split into messages under the size limit that together carry every topic', () => {
    const topics = Array.from({ length: 500 }, (_, i) => `bar.SYM${i}.15m`);
    const msgs = controlMessages('subscribe', topics, 4096);
    expect(msgs.length).toBeGreaterThan(1);
    for (const m of msgs) expect(Buffer.byteLength(m)).toBeLessThanOrEqual(4096);
    expect(msgs.flatMap((m) => (JSON.parse(m) as { topics: string[] }).topics)).toEqual(topics);
  });
});

describe('text frames', () => {
  test('replies are control, topic messages are messages', () => {
    expect(parseTextFrame('{"type":"pong"}')).toEqual({ kind: 'control', reply: { type: 'pong' } });
    expect(parseTextFrame('{"type":"error","code":"MIA_ERR_UNKNOWN_TOPIC","message":"x"}').kind).toBe('control');
    expect(parseTextFrame('{"type":"status","topic":"status"}').kind).toBe('message');
  });

  test('text that is not JSON or has no known type is MIA_ERR_BAD_FRAME', () => {
    expect(() => parseTextFrame('not json')).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_FRAME' }));
    expect(() => parseTextFrame('[1,2]')).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_FRAME' }));
    expect(() => parseTextFrame('{"type":"other"}')).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_FRAME' }));
  });
});
