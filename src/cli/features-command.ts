import type { Command } from 'commander';
import { openTradeSource } from '../data/open-trade-source.js';
import { DEFAULT_FEATURE_CONFIG, type SessionAnchor, type ValueAreaMethod } from '../model/bar-features.js';
import { runFeaturePass } from '../replay/feature-pass.js';
import { KernelPool } from '../pool/kernel-pool.js';
import { BarLineEncoder } from './bar-line-encoder.js';
import { ChunkedLineWriter } from './chunked-line-writer.js';
import { checkTickSize, oneOf, positiveNumber, SESSIONS, share, timeframeList, VALUE_AREA_METHODS, wholeNumber } from './options.js';

interface FeaturesOptions {
  input: string;
  symbol?: string;
  timeframe: number[];
  tickSize: number;
  valueArea: number;
  valueAreaMethod: ValueAreaMethod;
  footprint?: boolean;
  skipBad?: boolean;
  session: SessionAnchor;
  sizeDecimals?: number;
  imbalanceRatio: number;
  imbalanceMinVolume: number;
  stackedLevels: number;
  gridRows?: number;
  threads?: number;
  progress?: boolean;
}

/** `mia features`: the kernels over a trade file, one JSON object per closed bar (NDJSON). */
export function featuresCommand(program: Command): void {
  const d = DEFAULT_FEATURE_CONFIG;
  program
    .command('features')
    .description('print the features of every closed bar of a trade file (CSV or Databento DBN, plain or .zst) as NDJSON')
    .requiredOption('--input <file>', 'trade file: .csv, .dbn or .dbn.zst')
    .option('--symbol <symbol>', 'instrument to read from a file with several (raw symbol or DBN instrument id); a CSV without a symbol column takes only its own name (ESH4 for esh4_20231225_trades.csv)')
    .option('--timeframe <list>', 'bar timeframes, comma-separated: 30s, 1m, 5m, 15m, 1h, 4h', timeframeList, [60])
    .option('--tick-size <price>', 'price row size of footprint and profile (ES, NQ: 0.25 or a whole multiple of it)', positiveNumber('--tick-size'), d.tickSize)
    .option('--value-area <share>', 'value-area share of volume (0.7 or 70)', share, d.valueAreaShare)
    .option('--value-area-method <method>', 'cbot2 (pairs of rows, CBOT) or greedy1 (one row, TradingView)',
      oneOf('--value-area-method', VALUE_AREA_METHODS), d.valueAreaMethod)
    .option('--session <anchor>', 'session start for cumulative delta, VWAP and session profile: globex (17:00 CT), rth (09:30 ET), utc',
      oneOf('--session', SESSIONS), d.session)
    .option('--footprint', 'add footprint levels [{price, bid, ask}] to each bar')
    .option('--imbalance-ratio <x>', 'diagonal imbalance ratio as a multiplier (3 = 300 %)', positiveNumber('--imbalance-ratio'), d.imbalanceRatio)
    .option('--imbalance-min-volume <n>', 'minimum volume for an imbalance', positiveNumber('--imbalance-min-volume'), d.imbalanceMinVolume)
    .option('--stacked-levels <n>', 'consecutive imbalance rows for a stacked imbalance', wholeNumber('--stacked-levels'), d.stackedLevels)
    .option('--size-decimals <n>', 'decimal places of sizes (default: detected from the file)', wholeNumber('--size-decimals'))
    .option('--grid-rows <n>', 'price rows of each profile grid (default 16384; the grid follows the market, only a session wider than this many ticks is refused)', wholeNumber('--grid-rows'))
    .option('--threads <n>', 'run the kernels in a worker pool of n threads instead of inline', wholeNumber('--threads'))
    .option('--skip-bad', 'skip malformed rows, count them and report them at the end instead of stopping')
    .option('--progress', 'report trades read on stderr every second (default when stderr is a terminal)')
    .option('--no-progress', 'never report progress')
    .addHelpText('after', '\nExample:\n  mia features --input ../shared/data/cme-esh4-mbo/esh4_20231225_trades.csv --timeframe 1m\n')
    .action(async (o: FeaturesOptions) => {
      const source = await openTradeSource(o.input, {
        skipBad: o.skipBad ?? false,
        ...(o.sizeDecimals !== undefined ? { sizeDecimals: o.sizeDecimals } : {}),
        ...(o.symbol !== undefined ? { symbol: o.symbol } : {}),
      });
      checkTickSize(o.tickSize, source.info.symbol);
      const out = process.stdout;
      const config = {
        tickSize: o.tickSize,
        timeframesSec: o.timeframe,
        valueAreaShare: o.valueArea,
        valueAreaMethod: o.valueAreaMethod,
        imbalanceRatio: o.imbalanceRatio,
        imbalanceMinVolume: o.imbalanceMinVolume,
        stackedLevels: o.stackedLevels,
        session: o.session,
      };
      const threads = o.threads;
      const showProgress = o.progress ?? process.stderr.isTTY;
      let lastReport = performance.now();
      const onProgress = (trades: number): void => {
        const now = performance.now();
        if (now - lastReport < 1000) return;
        lastReport = now;
        process.stderr.write(`mia: ${trades.toLocaleString('en-US')} trades read\n`);
      };
      const lines = new ChunkedLineWriter(out);
      const encoder = new BarLineEncoder();
      let result;
      try {
        result = await runFeaturePass(source, config, (bar) => encoder.encode(lines, bar), {
          afterBatch: () => lines.drained(),
          footprint: o.footprint ?? false,
          ...(showProgress ? { onProgress } : {}),
          ...(o.gridRows !== undefined ? { plan: { gridRows: o.gridRows } } : {}),
          ...(threads ? { executor: (memory: WebAssembly.Memory) => new KernelPool(memory, { threads }) } : {}),
        });
      } finally {
        // The bars closed before a read error are printed before it, as they were when each went out alone.
        await lines.end();
      }
      const skipped = Object.entries(source.stats.skipped);
      if (o.skipBad) {
        const n = skipped.reduce((a, [, c]) => a + c, 0);
        process.stderr.write(
          `mia: ${result.trades} trades, ${result.bars} bars; skipped ${n} bad rows` +
            (n ? ` (${skipped.map(([k, c]) => `${k}: ${c}`).join(', ')})` : '') + '\n',
        );
      }
    });
}
