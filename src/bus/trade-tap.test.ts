import { describe, expect, test } from 'vitest';
import type { MarketSource, TradeSink } from '../engine/market-source.js';
import { TradeBatch } from '../model/trade-batch.js';
import { TRADE_RECORD_BYTES, TradeTap } from './trade-tap.js';

/** A source that offers one fixed batch of three trades once. */
function oneBatch(): MarketSource {
  const b = new TradeBatch(4);
  b.push(1, 10, 4800.25, 3, 1, 0);
  b.push(1, 20, 4800.5, 1, 2, 1);
  b.push(2, 5, 4800.75, 7, 1, 2);
  let done = false;
  return {
    kind: 'replay', eager: true, instruments: [{ symbol: 'ES', tickSize: 0.25, sizeDecimals: 0, hasSides: true }],
    poll: (sink) => {
      if (!done) sink.offer(0, b, 0, b.length, 0);
      done = true;
      return false;
    },
    close: async () => undefined,
  };
}

describe('TradeTap', () => {
  test('the trades the engine took, packed little-endian, appended for an owned symbol only', async () => {
    const sent: { symbol: string; bytes: Uint8Array }[] = [];
    let owned = true;
    const tap = new TradeTap(oneBatch(), { owns: () => owned, appendTrades: (symbol, bytes) => sent.push({ symbol, bytes }), gap: () => false });
    // The engine takes only the first two trades (its tape is full, say): the third is not recorded.
    const sink: TradeSink = { offer: (_i, _b, from, to) => Math.min(2, to - from), quote: () => undefined };
    void tap.poll(sink);
    tap.flush();
    expect(sent.length).toBe(1);
    expect(sent[0]!.symbol).toBe('ES');
    const v = new DataView(sent[0]!.bytes.buffer);
    expect(sent[0]!.bytes.length).toBe(2 * TRADE_RECORD_BYTES);
    expect([v.getUint32(0, true), v.getUint32(4, true), v.getFloat64(8, true), v.getFloat64(16, true), v.getUint8(24)]).toEqual([1, 10, 4800.25, 3, 1]);
    expect([v.getUint32(25, true), v.getUint32(29, true), v.getFloat64(33, true), v.getFloat64(41, true), v.getUint8(49)]).toEqual([1, 20, 4800.5, 1, 2]);
    // Nothing pending: no message; not owned: dropped.
    tap.flush();
    expect(sent.length).toBe(1);
    owned = false;
    await tap.close();
    expect(sent.length).toBe(1);
  });
});
