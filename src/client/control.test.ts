import { describe, expect, test } from 'vitest';
import { controlMessages, MAX_CONTROL_BYTES, MAX_TOPICS, parseControl } from '../protocol/control-protocol.js';
import { parseTextFrame } from './control.js';

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

  test('300 short topics (under the byte limit together) give messages the server accepts: at most 256 topics each', () => {
    const topics = Array.from({ length: 300 }, (_, i) => `bar.S${i}`);
    expect(Buffer.byteLength(JSON.stringify({ op: 'subscribe', topics }))).toBeLessThan(MAX_CONTROL_BYTES);
    const msgs = controlMessages('subscribe', topics);
    expect(msgs.length).toBe(2);
    const parsed = msgs.map((m) => parseControl(m));
    for (const p of parsed) expect(p).toMatchObject({ op: 'subscribe' });
    for (const m of msgs) expect(Buffer.byteLength(m)).toBeLessThanOrEqual(MAX_CONTROL_BYTES);
    expect(parsed.flatMap((p) => ('topics' in p ? p.topics : []))).toEqual(topics);
    expect(parsed.map((p) => ('topics' in p ? p.topics.length : 0))).toEqual([MAX_TOPICS, 300 - MAX_TOPICS]);
  });

  test('a batch fills up to exactly the byte limit', () => {
    const topics = Array.from({ length: 40 }, (_, i) => `snapshot.SYMBOL${String(i).padStart(3, '0')}`);
    const one = JSON.stringify({ op: 'unsubscribe', topics: topics.slice(0, 10) });
    const msgs = controlMessages('unsubscribe', topics, Buffer.byteLength(one));
    expect(msgs[0]).toBe(one);
    expect(msgs.length).toBe(4);
  });
});

describe('text frames', () => {
  test('replies are control, topic messages are messages', () => {
    expect(parseTextFrame('{"type":"pong"}')).toEqual({ kind: 'control', reply: { type: 'pong' } });
    expect(parseTextFrame('{"type":"error","code":"MIA_ERR_UNKNOWN_TOPIC","message":"x"}').kind).toBe('control');
    expect(parseTextFrame('{"type":"status","topic":"status"}').kind).toBe('message');
    expect(parseTextFrame('{"type":"alert","topic":"alert"}').kind).toBe('message');
  });

  test('text that is not JSON or has no known type is MIA_ERR_BAD_FRAME', () => {
    expect(() => parseTextFrame('not json')).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_FRAME' }));
    expect(() => parseTextFrame('[1,2]')).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_FRAME' }));
    expect(() => parseTextFrame('{"type":"other"}')).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_FRAME' }));
  });
});
