import * as flatbuffers from 'flatbuffers';
import { describe, expect, test } from 'vitest';
import { isoToNs } from '../model/time.js';
import { Bar } from '../protocol/generated/mia/bar.js';
import { ClosedBar } from '../protocol/generated/mia/closed-bar.js';
import { Frame } from '../protocol/generated/mia/frame.js';
import { Payload } from '../protocol/generated/mia/payload.js';
import { BarHistory, type BarsResponse } from './bar-history.js';

/** A closed-bar frame of `topic` whose bar opened at `iso` and has `close` as its close (to tell bars apart). */
function frame(topic: string, iso: string, close: number, timeframeSec = 60): Uint8Array {
  const b = new flatbuffers.Builder(512);
  const t = b.createString(topic);
  const sym = b.createString(topic.split('.')[1]!);
  ClosedBar.startClosedBar(b);
  ClosedBar.addSymbol(b, sym);
  ClosedBar.addTickSize(b, 0.25);
  ClosedBar.addSizeDecimals(b, 0);
  ClosedBar.addBar(b, Bar.createBar(b, isoToNs(iso)!, close, close, close, close, 1n, 1n, 0n, 1n, 1n, 0n,
    close, close, 0, close, close, close, 1n, 0n, timeframeSec, 1, 0, 0, 0, 0));
  ClosedBar.addTPublished(b, 1n);
  const payload = ClosedBar.endClosedBar(b);
  Frame.finishFrameBuffer(b, Frame.createFrame(b, t, Payload.ClosedBar, payload));
  return b.asUint8Array();
}

/** What GET /bars answers for `symbol` and `tf`, parsed. */
const held = async (h: BarHistory, symbol: string, tf: string): Promise<BarsResponse> =>
  JSON.parse(await h.json(symbol, tf, `bar.${symbol}.${tf}`)) as BarsResponse;

const closes = async (h: BarHistory, symbol: string, tf: string): Promise<number[]> =>
  (await held(h, symbol, tf)).bars.map((bar) => bar.close as number);

describe('BarHistory', () => {
  test('keeps the last `capacity` bars per topic, oldest first, and says when it dropped some', async () => {
    const h = new BarHistory('globex', 3);
    for (let m = 0; m < 5; m++) h.add('bar.ES.1m', frame('bar.ES.1m', `2023-12-25T00:0${m}:00Z`, 100 + m));
    h.add('bar.ES.5m', frame('bar.ES.5m', '2023-12-25T00:00:00Z', 200, 300));
    const r = await held(h, 'ES', '1m');
    expect(await closes(h, 'ES', '1m')).toEqual([102, 103, 104]);
    expect(r.truncated).toBe(true);
    expect(r.bars.map((b) => b.ts)).toEqual(['2023-12-25T00:02:00.000Z', '2023-12-25T00:03:00.000Z', '2023-12-25T00:04:00.000Z']);
    // 17:00 Chicago (UTC-6 in December) the day before.
    expect(r.sessionStart).toBe('2023-12-24T23:00:00.000Z');
    expect(await held(h, 'ES', '5m')).toEqual({
      symbol: 'ES', timeframe: '5m', sessionStart: '2023-12-24T23:00:00.000Z', truncated: false, bars: [expect.objectContaining({ close: 200, timeframe: '5m' })],
    });
  });

  test('the first bar of a new session clears every timeframe of its symbol, and no other symbol', async () => {
    const h = new BarHistory('globex', 3);
    h.add('bar.ES.1m', frame('bar.ES.1m', '2023-12-25T22:58:00Z', 1));
    h.add('bar.ES.5m', frame('bar.ES.5m', '2023-12-25T22:55:00Z', 5, 300));
    h.add('bar.NQ.1m', frame('bar.NQ.1m', '2023-12-25T22:58:00Z', 7));
    // A 4h bar opened at 20:00, closing after the 23:00 open, is kept with the new session's bars.
    h.add('bar.ES.1m', frame('bar.ES.1m', '2023-12-25T23:00:00Z', 2));
    h.add('bar.ES.4h', frame('bar.ES.4h', '2023-12-25T20:00:00Z', 4, 14400));
    expect(await closes(h, 'ES', '1m')).toEqual([2]);
    expect(await closes(h, 'ES', '5m')).toEqual([]);
    expect(await closes(h, 'ES', '4h')).toEqual([4]);
    expect((await held(h, 'ES', '1m')).sessionStart).toBe('2023-12-25T23:00:00.000Z');
    expect(await closes(h, 'NQ', '1m')).toEqual([7]);
    expect((await held(h, 'NQ', '1m')).sessionStart).toBe('2023-12-24T23:00:00.000Z');
  });

  test('a truncated ring starts the new session untruncated', async () => {
    const h = new BarHistory('utc', 2);
    for (let m = 0; m < 3; m++) h.add('bar.ES.1m', frame('bar.ES.1m', `2023-12-25T23:5${m}:00Z`, m));
    expect((await held(h, 'ES', '1m')).truncated).toBe(true);
    h.add('bar.ES.1m', frame('bar.ES.1m', '2023-12-26T00:00:00Z', 9));
    expect(await held(h, 'ES', '1m')).toMatchObject({ sessionStart: '2023-12-26T00:00:00.000Z', truncated: false });
    expect(await closes(h, 'ES', '1m')).toEqual([9]);
  });

  test('keeps a copy: the publisher reusing its frame buffer does not change a kept bar', async () => {
    const h = new BarHistory('utc');
    const bytes = frame('bar.ES.1m', '2023-12-25T00:00:00Z', 1);
    h.add('bar.ES.1m', bytes);
    bytes.fill(0);
    expect(await closes(h, 'ES', '1m')).toEqual([1]);
  });

  test('answers with the bars held when asked: bars kept or a session cleared while it serialises change nothing', async () => {
    const h = new BarHistory('globex', 100);
    const minute = (m: number): string => new Date(Date.UTC(2023, 11, 25, 0, m)).toISOString();
    for (let m = 0; m < 70; m++) h.add('bar.ES.1m', frame('bar.ES.1m', minute(m), m));
    const pending = h.json('ES', '1m', 'bar.ES.1m');
    h.add('bar.ES.1m', frame('bar.ES.1m', minute(70), 70));
    h.add('bar.ES.1m', frame('bar.ES.1m', '2023-12-26T00:00:00Z', 99));
    const r = JSON.parse(await pending) as BarsResponse;
    expect(r.bars.map((b) => b.close)).toEqual(Array.from({ length: 70 }, (_, m) => m));
    expect(r.sessionStart).toBe('2023-12-24T23:00:00.000Z');
    expect(await closes(h, 'ES', '1m')).toEqual([99]);
  });
});
