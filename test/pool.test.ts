// The piscina pool runs the same kernels over the same shared memory: its bars equal the inline pass, and
// an expected failure in a worker comes back as a coded error, not a crash.
import { describe, expect, test } from 'vitest';
import { MarketSimulator } from '../src/adapters/sim/market-simulator.js';
import { ErrorCode } from '../src/common/errors.js';
import { DEFAULT_FEATURE_CONFIG, type BarFeatures } from '../src/model/bar-features.js';
import { TradeBatch, type TradeSource } from '../src/model/trade-batch.js';
import { splitNs } from '../src/model/time.js';
import { KernelPool } from '../src/pool/kernel-pool.js';
import { runFeaturePass } from '../src/replay/feature-pass.js';

const config = { ...DEFAULT_FEATURE_CONFIG, timeframesSec: [60, 300, 900, 3600, 14400] };

async function pass(source: TradeSource, pool: boolean): Promise<BarFeatures[]> {
  const bars: BarFeatures[] = [];
  await runFeaturePass(source, config, (b) => bars.push(b), {
    footprint: true,
    plan: { tapeCapacity: 50_000, ringBars: 64, footprintLevels: 4096 },
    ...(pool ? { executor: (memory: WebAssembly.Memory) => new KernelPool(memory, { threads: 2 }) } : {}),
  });
  return bars;
}

/** A source that yields the given trades once. */
function listSource(trades: [bigint, number][]): TradeSource {
  const b = new TradeBatch(trades.length);
  trades.forEach(([ts, price], i) => b.push(...splitNs(ts), price, 1, 1, i));
  return {
    info: { symbol: 'T', sizeDecimals: 0, hasSides: true },
    stats: { read: 0, trades: 0, ignored: 0, skipped: {} },
    async *batches() {
      yield b;
    },
  };
}

describe('kernel pool', () => {
  test('a simulated session through the pool equals the inline pass, bar for bar (tape rewound 4 times)', async () => {
    const sim = () => new MarketSimulator({ symbol: 'NQ', seed: 11, trades: 200_000, batchSize: 8192 });
    const inline = await pass(sim(), false);
    const pooled = await pass(sim(), true);
    expect(inline.length).toBeGreaterThan(100);
    expect(pooled).toEqual(inline);
  });

  test('a price outside the grid inside one session comes back from a worker as a coded error', async () => {
    const t0 = 1709562600000000000n;
    const source = listSource([[t0, 5000], [t0 + 1n, 5000 + 16384 * 0.25 * 2]]);
    await expect(pass(source, true)).rejects.toMatchObject({ code: ErrorCode.PRICE_OUT_OF_GRID });
  });
});
