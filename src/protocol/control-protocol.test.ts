import { describe, expect, test } from 'vitest';
import { parseControl, partitionTopics } from './control-protocol.js';

describe('control protocol', () => {
  test('subscribe, unsubscribe and ping parse', () => {
    expect(parseControl('{"op":"subscribe","topics":["snapshot.ES","bar.NQ.5m"]}')).toEqual({ op: 'subscribe', topics: ['snapshot.ES', 'bar.NQ.5m'] });
    expect(parseControl('{"op":"unsubscribe","topics":[]}')).toEqual({ op: 'unsubscribe', topics: [] });
    expect(parseControl('{"op":"ping"}')).toEqual({ op: 'ping' });
  });

  test.each([
    ['not json', '{op:'],
    ['not an object', '[1,2]'],
    ['null', 'null'],
    ['unknown op', '{"op":"delete","topics":["status"]}'],
    ['missing op', '{"topics":["status"]}'],
    ['topics not a list', '{"op":"subscribe","topics":"status"}'],
    ['topics not strings', '{"op":"subscribe","topics":[1]}'],
  ])('%s is MIA_ERR_BAD_CONTROL', (_, text) => {
    const r = parseControl(text);
    expect(r).toMatchObject({ type: 'error', code: 'MIA_ERR_BAD_CONTROL' });
  });

  test('more than 256 topics is refused', () => {
    const topics = Array.from({ length: 257 }, (_, i) => `t${i}`);
    expect(parseControl(JSON.stringify({ op: 'subscribe', topics }))).toMatchObject({ code: 'MIA_ERR_BAD_CONTROL' });
  });

  test('topics split into published and unknown, order kept', () => {
    const known = new Set(['status', 'snapshot.ES']);
    expect(partitionTopics(['snapshot.ES', 'snapshot.XX', 'status', 'bar.ES'], known)).toEqual({
      known: ['snapshot.ES', 'status'], unknown: ['snapshot.XX', 'bar.ES'],
    });
  });
});
