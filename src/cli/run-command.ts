import type { Command } from 'commander';
import { SimSource } from '../adapters/sim/sim-source.js';
import { createLogger } from '../common/logger.js';
import { logSettings } from './log-settings.js';
import { SnapshotEngine } from '../engine/snapshot-engine.js';
import { decodeBar, decodeNodes } from '../kernels/bar-decoder.js';
import { barJson } from '../model/bar-json.js';
import { DEFAULT_FEATURE_CONFIG } from '../model/bar-features.js';
import { positiveNumber, simSymbols, timeframeList, wholeNumber } from './options.js';

interface RunOptions {
  symbols: string;
  speed: number;
  seed: number;
  timeframe: number[];
  durationSec?: number;
  statusSec: number;
}

/** Prints each closed bar the engine emits as one NDJSON line with its symbol (as `mia features` prints bars). */
function printBars(engine: SnapshotEngine): void {
  const v = new DataView(engine.memory.buffer);
  engine.events.on('bar', (e) => {
    if (e.warm) return;
    const bar = decodeBar(v, e.entry, 10 ** e.sizeDecimals);
    decodeNodes(v, e.entry, bar);
    process.stdout.write(JSON.stringify({ symbol: e.symbol, ...barJson(bar) }) + '\n');
  });
}

/** `mia run`: the engine on the built-in ES/NQ/MES/MNQ simulator, closed bars as NDJSON on stdout (no server). */
export function runCommand(program: Command): void {
  program
    .command('run')
    .description('run the engine on the built-in ES/NQ/MES/MNQ simulator without a server: closed bars as NDJSON on stdout, status on stderr')
    .option('--symbols <list>', 'simulated symbols, comma-separated (ES, NQ, MES, MNQ)', 'ES,NQ')
    .option('--speed <x>', 'simulated seconds per wall second', positiveNumber('--speed'), 60)
    .option('--seed <n>', 'simulator seed (same seed, same market)', wholeNumber('--seed'), 1)
    .option('--timeframe <list>', 'bar timeframes, comma-separated', timeframeList, [...DEFAULT_FEATURE_CONFIG.timeframesSec])
    .option('--duration-sec <s>', 'stop after this many wall-clock seconds (default: until Ctrl-C)', positiveNumber('--duration-sec'))
    .option('--status-sec <s>', 'seconds between status lines on stderr', positiveNumber('--status-sec'), 10)
    .action(async (o: RunOptions, cmd: Command) => {
      const symbols = simSymbols(o.symbols);
      const log = createLogger('mia', logSettings(cmd));
      const source = new SimSource({ symbols, seed: o.seed, speed: o.speed });
      const engine = new SnapshotEngine(source, {
        config: { ...DEFAULT_FEATURE_CONFIG, timeframesSec: o.timeframe }, intervalMs: 100, threads: 2, footprint: false, staleMs: 5000,
      }, log);
      printBars(engine);
      await engine.start();
      const status = setInterval(() => log.info({ status: engine.status(), stages: engine.stageStats() }, 'Engine status'), o.statusSec * 1000);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
        if (o.durationSec) setTimeout(resolve, o.durationSec * 1000);
      });
      clearInterval(status);
      await engine.stop();
    });
}
