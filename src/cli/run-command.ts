import type { Command } from 'commander';
import { createLogger } from '../common/logger.js';
import { configError, ErrorCode } from '../common/errors.js';
import { DEFAULT_FEATURE_CONFIG } from '../model/bar-features.js';
import { SimEngine } from '../live/sim-engine.js';
import { barJson } from '../model/bar-json.js';
import { positiveNumber, timeframeList, wholeNumber } from './options.js';

interface RunOptions {
  symbols: string;
  speed: number;
  seed: number;
  timeframe: number[];
  durationSec?: number;
  statusSec: number;
}

/** `mia run`: the engine live on the built-in ES/NQ simulator (what `npm start` runs). */
export function runCommand(program: Command): void {
  program
    .command('run')
    .description('run the engine live on the built-in ES/NQ simulator: kernels in the worker pool, closed bars as NDJSON on stdout, status on stderr')
    .option('--symbols <list>', 'simulated symbols, comma-separated (ES, NQ)', 'ES,NQ')
    .option('--speed <x>', 'simulated seconds per wall second', positiveNumber('--speed'), 60)
    .option('--seed <n>', 'simulator seed (same seed, same market)', wholeNumber('--seed'), 1)
    .option('--timeframe <list>', 'bar timeframes, comma-separated', timeframeList, [...DEFAULT_FEATURE_CONFIG.timeframesSec])
    .option('--duration-sec <s>', 'stop after this many wall-clock seconds (default: until Ctrl-C)', positiveNumber('--duration-sec'))
    .option('--status-sec <s>', 'seconds between status lines on stderr', positiveNumber('--status-sec'), 10)
    .action(async (o: RunOptions) => {
      const symbols = o.symbols.split(',').map((s) => s.trim().toUpperCase());
      for (const s of symbols) {
        if (s !== 'ES' && s !== 'NQ') throw configError(ErrorCode.BAD_ARGUMENT, `--symbols: the simulator knows ES and NQ, not "${s}"`);
      }
      const log = createLogger('mia');
      const engine = new SimEngine(
        { symbols: symbols as ('ES' | 'NQ')[], config: { ...DEFAULT_FEATURE_CONFIG, timeframesSec: o.timeframe }, speed: o.speed, seed: o.seed, intervalMs: 50 },
        log,
        (symbol, bar) => process.stdout.write(JSON.stringify({ symbol, ...barJson(bar) }) + '\n'),
      );
      engine.start();
      const status = setInterval(() => log.info({ status: engine.status() }, 'Engine status'), o.statusSec * 1000);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
        if (o.durationSec) setTimeout(resolve, o.durationSec * 1000);
      });
      clearInterval(status);
      await engine.stop();
    });
}
