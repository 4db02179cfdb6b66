// Runs the WASM kernels over an in-memory list of trades, whole or in chunks, and returns the closed
// bars per timeframe: the common path of the kernel tests.
import { BarReader } from '../../src/kernels/bar-reader.js';
import { InlineExecutor } from '../../src/kernels/executor.js';
import { MemoryPlan } from '../../src/kernels/memory-plan.js';
import { SymbolState } from '../../src/kernels/symbol-state.js';
import { TapeWriter } from '../../src/kernels/tape-writer.js';
import { planTimeframes } from '../../src/kernels/timeframes.js';
import type { BarFeatures, FeatureConfig } from '../../src/model/bar-features.js';
import { TradeBatch } from '../../src/model/trade-batch.js';
import { splitNs } from '../../src/model/time.js';

/** A trade as tests write it. */
export interface TestTrade {
  tsNs: bigint;
  price: number;
  size: number;
  side: 0 | 1 | 2;
}

/** Options of a harness run. */
export interface HarnessOptions {
  /** Trade counts of successive appends; the kernels run after each. Default: everything at once. */
  chunks?: number[];
  footprint?: boolean;
  /** Classify side-less trades on the tape (tick rule). */
  inferSides?: boolean;
  /** Small rings make the replay back-pressure path run in tests. */
  ringBars?: number;
  footprintLevels?: number;
  gridRows?: number;
}

/** Bars of every requested timeframe, keyed by seconds, in close order. */
export function runKernels(trades: TestTrade[], config: FeatureConfig, o: HarnessOptions = {}): Map<number, BarFeatures[]> {
  const slots = planTimeframes(config.timeframesSec);
  const plan = new MemoryPlan({
    symbols: 1,
    timeframes: slots.length,
    tapeCapacity: Math.max(1, trades.length),
    gridRows: o.gridRows ?? 4096,
    ringBars: o.ringBars ?? 8,
    footprintLevels: o.footprintLevels ?? 4096,
  });
  const memory = plan.allocate();
  const state = new SymbolState(memory, plan.regions[0]!, config, { ringMode: 'replay', footprint: o.footprint ?? false });
  const writer = new TapeWriter(state, memory, o.inferSides ?? false);
  const reader = new BarReader(state);
  const exec = new InlineExecutor(memory);
  const out = new Map<number, BarFeatures[]>(config.timeframesSec.map((s) => [s, []]));
  const onBar = (b: BarFeatures): void => void out.get(b.timeframeSec)!.push(b);
  const batch = new TradeBatch(Math.max(1, trades.length));
  trades.forEach((t, i) => {
    const [hi, lo] = splitNs(t.tsNs);
    batch.push(hi, lo, t.price, t.size, t.side, i);
  });
  const chunks = o.chunks ?? [trades.length];
  const st = state.region.state;
  let from = 0;
  for (const n of chunks) {
    const sub = new TradeBatch(Math.max(1, n));
    for (let i = from; i < Math.min(from + n, trades.length); i++) {
      sub.push(batch.tsHi[i]!, batch.tsLo[i]!, batch.price[i]!, batch.size[i]!, batch.side[i]!, i);
    }
    writer.append(sub);
    from += n;
    while (exec.runSync(st) === 'output-full') reader.drain(onBar);
    reader.drain(onBar);
  }
  while (exec.flushSync(st) === 'output-full') reader.drain(onBar);
  reader.drain(onBar);
  return out;
}
