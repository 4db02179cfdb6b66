import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TradeSink } from '../../engine/market-source.js';
import type { TradeBatch } from '../../model/trade-batch.js';
import { ReplaySource } from './replay-source.js';

/** A sink that takes at most `bite` trades per offer, as a busy engine does, and records them. */
function nibbler(bite: number): TradeSink & { got: string[] } {
  const got: string[] = [];
  return {
    got,
    offer(_i: number, b: TradeBatch, from: number, to: number): number {
      const n = Math.min(bite, to - from);
      for (let j = from; j < from + n; j++) got.push(`${b.tsNs(j)} ${b.price[j]} ${b.size[j]} ${b.side[j]}`);
      return n;
    },
    quote: () => undefined,
  };
}

function csv(rows: number): string {
  const p = join(mkdtempSync(join(tmpdir(), 'mia-replay-')), 'trades.csv');
  const lines = ['ts_event,price,size,side'];
  for (let i = 0; i < rows; i++) lines.push(`${1703545200000000000n + BigInt(i) * 1_000_000n},${4800 + (i % 7) * 0.25},${1 + (i % 3)},${i % 2 ? 'B' : 'A'}`);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

describe('ReplaySource', () => {
  test('at full speed, partial takes lose and repeat nothing: every trade once, in order', async () => {
    const path = csv(10_000);
    const src = await ReplaySource.open(path, { speed: 'max', tickSize: 0.25 });
    expect(src.instruments[0]).toMatchObject({ sizeDecimals: 0, hasSides: true, tickSize: 0.25 });
    const sink = nibbler(7);
    while (await src.poll(sink));
    await src.close();
    expect(sink.got.length).toBe(10_000);
    expect(sink.got[0]).toBe('1703545200000000000 4800 1 2');
    expect(sink.got[9_999]).toBe(`${1703545200000000000n + 9_999n * 1_000_000n} ${4800 + (9_999 % 7) * 0.25} ${1 + (9_999 % 3)} 1`);
    expect(new Set(sink.got).size).toBe(10_000);
  });

  test('publishAs names the instrument; a sink that takes nothing gets the same trades offered again', async () => {
    const src = await ReplaySource.open(csv(5), { speed: 'max', tickSize: 0.25, publishAs: 'ES' });
    expect(src.instruments[0]!.symbol).toBe('ES');
    const none = nibbler(0);
    expect(await src.poll(none)).toBe(true);
    const all = nibbler(100);
    while (await src.poll(all));
    expect(all.got.length).toBe(5);
  });

  test('a corrupt row fails the replay with the coded error naming the row', async () => {
    const p = csv(3);
    writeFileSync(p, 'ts_event,price,size,side\n1703545200000000000,4800,1,B\n1703545200000000001,abc,1,B\n');
    const sink = nibbler(100);
    const replay = async (): Promise<void> => {
      const src = await ReplaySource.open(p, { speed: 'max', tickSize: 0.25 });
      while (await src.poll(sink));
    };
    await expect(replay()).rejects.toMatchObject({ code: 'MIA_ERR_BAD_PRICE', message: expect.stringMatching(/row 3/) });
  });
});
