import { BarReader } from '../kernels/bar-reader.js';
import type { KernelExecutor } from '../kernels/executor.js';
import { InlineExecutor } from '../kernels/executor.js';
import { DEFAULT_PLAN, MemoryPlan, type PlanOptions } from '../kernels/memory-plan.js';
import { SymbolState } from '../kernels/symbol-state.js';
import { TapeIntake, inputRegionBytes } from '../kernels/tape-intake.js';
import { TapeWriter } from '../kernels/tape-writer.js';
import { planTimeframes } from '../kernels/timeframes.js';
import type { BarFeatures, FeatureConfig } from '../model/bar-features.js';
import type { TradeSource } from '../model/trade-batch.js';

/** Options of a replay feature pass. */
export interface FeaturePassOptions {
  /** Attach footprint levels to each bar. */
  footprint?: boolean;
  /** Memory sizes (tape, grid rows, rings); defaults from DEFAULT_PLAN. */
  plan?: Partial<Omit<PlanOptions, 'symbols' | 'timeframes'>>;
  /** Where kernels run; defaults to inline on this thread. Built on the pass's memory. */
  executor?: (memory: WebAssembly.Memory) => KernelExecutor;
  /** Called after each batch with trades read so far (progress on long inputs). */
  onProgress?: (trades: number) => void;
  /** Awaited after each batch (an output's backpressure: `mia features` waits for stdout here, not per bar). */
  afterBatch?: () => Promise<void>;
}

/** What a pass did. */
export interface FeaturePassResult {
  trades: number;
  bars: number;
}

/**
 * Replays a trade source through the kernels: trades go onto the shared-memory tape, the kernels run
 * (inline or in the pool), closed bars are drained in time order per timeframe. The same tape, kernels
 * and reader serve the live engine; only the source differs.
 */
export async function runFeaturePass(
  source: TradeSource,
  config: Omit<FeatureConfig, 'sizeDecimals'>,
  onBar: (bar: BarFeatures) => void,
  options: FeaturePassOptions = {},
): Promise<FeaturePassResult> {
  const slots = planTimeframes(config.timeframesSec);
  // A source that decodes in the kernels' memory reads its file into the plan's input region (one copy).
  const direct = source.fillTape && source.tapeInputBytes !== undefined && source.info.hasSides ? source.fillTape.bind(source) : undefined;
  const inputBytes = direct ? inputRegionBytes(source.tapeInputBytes!) : 0;
  const plan = new MemoryPlan({ ...DEFAULT_PLAN, ...options.plan, symbols: 1, timeframes: slots.length, inputBytes });
  const memory = plan.allocate();
  const executor = options.executor ? options.executor(memory) : new InlineExecutor(memory);
  let state: SymbolState | undefined;
  let writer: TapeWriter | undefined;
  let reader: BarReader | undefined;
  let trades = 0;
  let bars = 0;
  const emit = (bar: BarFeatures): void => {
    bars++;
    onBar(bar);
  };
  const drive = async (op: 'run' | 'flush'): Promise<void> => {
    const st = state!.region.state;
    for (;;) {
      const outcome = op === 'run' ? await executor.run(st) : await executor.flush(st);
      reader!.drain(emit);
      if (outcome === 'ok') return;
    }
  };
  const start = (): TapeWriter => {
    // Size precision is known once the source has opened (a CSV reader may scan for it).
    state = new SymbolState(memory, plan.regions[0]!, { ...config, sizeDecimals: source.info.sizeDecimals }, {
      ringMode: 'replay',
      footprint: options.footprint ?? false,
    });
    writer = new TapeWriter(state, memory, !source.info.hasSides);
    reader = new BarReader(state);
    return writer;
  };
  const afterTrades = async (n: number): Promise<void> => {
    trades += n;
    options.onProgress?.(trades);
    if (options.afterBatch) await options.afterBatch();
  };
  try {
    if (direct) {
      const tape = new TapeIntake(start(), memory, plan.input);
      for await (const n of direct(tape)) {
        await drive('run');
        if (writer!.free === 0) writer!.rewind();
        await afterTrades(n);
      }
      // As with batches: no trade, no state to flush (and no bars).
      if (trades > 0) await drive('flush');
      return { trades, bars };
    }
    for await (const batch of source.batches()) {
      if (!state) start();
      let from = 0;
      while (from < batch.length) {
        from += writer!.append(batch, from);
        await drive('run');
        if (writer!.free === 0) writer!.rewind();
      }
      await afterTrades(batch.length);
    }
    if (state) await drive('flush');
  } finally {
    await executor.close();
  }
  return { trades, bars };
}
