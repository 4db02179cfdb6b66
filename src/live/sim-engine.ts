import type { Logger } from 'pino';
import { MarketSimulator, SIM_DEFAULT_START_NS } from '../adapters/sim/market-simulator.js';
import { BarReader } from '../kernels/bar-reader.js';
import { MemoryPlan } from '../kernels/memory-plan.js';
import { SymbolState } from '../kernels/symbol-state.js';
import { TapeWriter } from '../kernels/tape-writer.js';
import { planTimeframes } from '../kernels/timeframes.js';
import type { BarFeatures, FeatureConfig } from '../model/bar-features.js';
import { joinNs, TradeBatch } from '../model/trade-batch.js';
import { KernelPool } from '../pool/kernel-pool.js';

/** Settings of a simulated live run. */
export interface SimEngineOptions {
  symbols: ('ES' | 'NQ')[];
  config: FeatureConfig;
  /** Simulated seconds per wall second. */
  speed: number;
  seed: number;
  /** How often the engine pulls, commits and schedules kernel work. */
  intervalMs: number;
}

/** Per-symbol counters for a status line. */
export interface FeedStatus {
  trades: number;
  bars: number;
  kernelP50Us: number;
  kernelP99Us: number;
}

interface Feed {
  symbol: 'ES' | 'NQ';
  sim: MarketSimulator;
  batch: TradeBatch;
  next: number;
  state: SymbolState;
  writer: TapeWriter;
  reader: BarReader;
  inFlight: Promise<void> | undefined;
  trades: number;
  bars: number;
  kernelUs: number[];
}

/**
 * The live loop on the built-in simulator: trades arrive on the wall clock (times `speed`), go onto the
 * shared-memory tape, and the pool runs the kernels, at most one task in flight per symbol so each
 * symbol's state stays consistent. Closed bars go to `onBar`.
 */
export class SimEngine {
  private readonly feeds: Feed[];
  private readonly pool: KernelPool;
  private readonly o: SimEngineOptions;
  private readonly log: Logger;
  private readonly onBar: (symbol: string, bar: BarFeatures) => void;
  private readonly startSim: bigint;
  private timer: NodeJS.Timeout | undefined;
  private startWall = 0;

  constructor(o: SimEngineOptions, log: Logger, onBar: (symbol: string, bar: BarFeatures) => void) {
    this.o = o;
    this.log = log;
    this.onBar = onBar;
    const plan = new MemoryPlan({
      symbols: o.symbols.length, timeframes: planTimeframes(o.config.timeframesSec).length,
      tapeCapacity: 1 << 20, gridRows: 1 << 14, ringBars: 4096, footprintLevels: 1 << 16,
    });
    const memory = plan.allocate();
    this.pool = new KernelPool(memory, { threads: 2 });
    // The simulated market opens at a fixed Monday cash open whatever the wall clock says (a weekend run
    // would otherwise see a closed market); bars carry simulated times.
    this.startSim = SIM_DEFAULT_START_NS;
    this.feeds = o.symbols.map((symbol, i) => {
      const state = new SymbolState(memory, plan.regions[i]!, o.config, { ringMode: 'live', footprint: false });
      const batch = new TradeBatch(4096);
      const sim = new MarketSimulator({ symbol, seed: o.seed + i, startNs: this.startSim, batchSize: 4096 });
      sim.fill(batch);
      return {
        symbol, sim, batch, next: 0, state, writer: new TapeWriter(state, memory, false), reader: new BarReader(state),
        inFlight: undefined, trades: 0, bars: 0, kernelUs: [],
      };
    });
  }

  /** Starts the loop. */
  start(): void {
    this.startWall = performance.now();
    this.log.info({ symbols: this.o.symbols, speed: this.o.speed, timeframesSec: this.o.config.timeframesSec }, 'Simulated engine started');
    this.timer = setInterval(() => this.tick(), this.o.intervalMs);
  }

  private tick(): void {
    const simNow = this.startSim + BigInt(Math.floor((performance.now() - this.startWall) * this.o.speed * 1e6));
    for (const f of this.feeds) {
      if (f.inFlight) continue; // one task per symbol: the next tick picks up what arrived meanwhile
      this.pull(f, simNow);
      if (f.state.committed > f.state.cursor) f.inFlight = this.process(f);
    }
  }

  /** Commits the simulator's trades up to `simNow`, rewinding the tape once the kernels caught up. */
  private pull(f: Feed, simNow: bigint): void {
    for (;;) {
      if (f.next >= f.batch.length) {
        f.sim.fill(f.batch);
        f.next = 0;
      }
      let to = f.next;
      while (to < f.batch.length && joinNs(f.batch.tsHi[to]!, f.batch.tsLo[to]!) <= simNow) to++;
      if (f.writer.free === 0 && f.state.cursor === f.writer.length) f.writer.rewind();
      const n = f.writer.append(f.batch, f.next, to);
      f.next += n;
      f.trades += n;
      if (to < f.batch.length || n === 0) return;
    }
  }

  private async process(f: Feed): Promise<void> {
    const t0 = performance.now();
    try {
      await this.pool.run(f.state.region.state);
      f.kernelUs.push((performance.now() - t0) * 1000);
      f.bars += f.reader.drain((b) => this.onBar(f.symbol, b));
    } catch (e) {
      this.log.error({ symbol: f.symbol, err: e }, 'Kernel task failed');
    } finally {
      f.inFlight = undefined;
    }
  }

  /** Counters per symbol; kernel task times since the last call. */
  status(): Record<string, FeedStatus> {
    const out: Record<string, FeedStatus> = {};
    for (const f of this.feeds) {
      const s = f.kernelUs.sort((a, b) => a - b);
      const q = (p: number): number => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0);
      out[f.symbol] = { trades: f.trades, bars: f.bars, kernelP50Us: q(0.5), kernelP99Us: q(0.99) };
      f.kernelUs = [];
    }
    return out;
  }

  /** Stops pulling, waits for in-flight kernel tasks, and shuts the pool down. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.feeds.map((f) => f.inFlight));
    await this.pool.close();
    this.log.info({ status: this.status() }, 'Simulated engine stopped');
  }
}
