// `mia features` output against its definition, JSON.stringify(barJson(bar)) per closed bar, on the real ESH4
// files: the bar encoder on every bar in-process, and the command as users run it (bin/mia.js).
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { BarLineEncoder } from '../src/cli/bar-line-encoder.js';
import { ChunkedLineWriter } from '../src/cli/chunked-line-writer.js';
import { openTradeSource } from '../src/data/open-trade-source.js';
import { DEFAULT_FEATURE_CONFIG } from '../src/model/bar-features.js';
import { barJson } from '../src/model/bar-json.js';
import { runFeaturePass } from '../src/replay/feature-pass.js';
import { dataFile, HAVE_DATA } from './real-data/data-dir.js';

const FILES = [
  'cme-esh4-mbo/esh4_20231225_trades.csv',
  'cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst',
];
// (esh4-glbx-mdp3-20231224.mbo.dbn.zst, the day before, holds no trades.)
const TIMEFRAMES = [60, 300, 900, 3600, 14400];

/** The oracle's output and the encoder's, from one feature pass with `mia features`' defaults. */
async function bothOutputs(file: string, footprint: boolean): Promise<{ oracle: string; encoded: string; bars: number }> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  const w = new ChunkedLineWriter(sink);
  const encoder = new BarLineEncoder();
  const oracle: string[] = [];
  const { bars } = await runFeaturePass(await openTradeSource(dataFile(file)), { ...DEFAULT_FEATURE_CONFIG, timeframesSec: TIMEFRAMES }, (bar) => {
    oracle.push(`${JSON.stringify(barJson(bar))}\n`);
    encoder.encode(w, bar);
  }, { footprint });
  await w.end();
  return { oracle: oracle.join(''), encoded: Buffer.concat(chunks).toString('utf8'), bars };
}

describe.skipIf(!HAVE_DATA)('mia features output on the real ESH4 files, all five timeframes', () => {
  for (const file of FILES) {
    for (const footprint of [false, true]) {
      const name = `${file.split('/').pop()}${footprint ? ' --footprint' : ''}`;
      test(`${name}: every bar's line is JSON.stringify(barJson(bar)), in-process and from bin/mia.js`, async () => {
        const { oracle, encoded, bars } = await bothOutputs(file, footprint);
        expect(bars).toBeGreaterThan(70);
        expect(oracle.split('\n').length - 1).toBe(bars);
        if (footprint) expect(oracle).toContain('"levels":[{"price":');
        expect(encoded).toBe(oracle);
        const args = ['bin/mia.js', 'features', '--input', dataFile(file), '--timeframe', '1m,5m,15m,1h,4h', '--no-progress'];
        const cli = spawnSync(process.execPath, footprint ? [...args, '--footprint'] : args, {
          encoding: 'utf8', timeout: 60_000, maxBuffer: 256 << 20,
        });
        expect(cli.stderr).toBe('');
        expect(cli.status).toBe(0);
        expect(cli.stdout).toBe(oracle);
      });
    }
  }
});
