// The backtest end to end over the real ESH4 trades (Databento, ../shared/data): the `mia backtest` command
// writes trades and metrics, and a second run writes the same bytes.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, test } from 'vitest';
import { backtestCommand } from '../../src/cli/backtest-command.js';
import { trainCommand } from '../../src/cli/train-command.js';
import type { ModelManifest } from '../../src/ml/model-manifest.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Runs `mia backtest ARGS --out <fresh dir>` in process; returns the folder. */
async function backtest(args: string[]): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'mia-backtest-'));
  dirs.push(out);
  const program = new Command('mia').exitOverride();
  backtestCommand(program);
  await program.parseAsync(['node', 'mia', 'backtest', ...args, '--out', out, '--no-progress']);
  return out;
}

describe.skipIf(!HAVE_DATA)('mia backtest on the ESH4 trades (Databento)', () => {
  const input = dataFile('cme-esh4-mbo/esh4_20231225_trades.csv');
  // A quiet holiday hour: brackets of 2 and 3 ticks and lower signal thresholds, so trades happen.
  const args = ['--input', input, '--stop-ticks', '2', '--target-ticks', '3', '--long-threshold', '0.1', '--short-threshold', '-0.1',
    '--min-confidence', '0.5', '--latency-us', '500', '--slippage-ticks', '1', '--commission', '2.25'];

  test('writes trades (CSV, Parquet) and metrics; two runs give identical bytes', async () => {
    const a = await backtest(args);
    const b = await backtest(args);
    expect((await readdir(a)).sort()).toEqual(['_COMPLETE', 'metrics.json', 'trades.csv', 'trades.parquet']);
    for (const f of ['trades.csv', 'trades.parquet', 'metrics.json', '_COMPLETE']) {
      expect(Buffer.compare(await readFile(join(a, f)), await readFile(join(b, f))), f).toBe(0);
    }
    const csv = (await readFile(join(a, 'trades.csv'), 'utf8')).trim().split('\n');
    const header = csv[0]!.split(',');
    expect(header.slice(0, 9)).toEqual(['trade_id', 'symbol', 'side', 'entry_time', 'entry_price', 'exit_time', 'exit_price', 'qty', 'profit']);
    expect(header).toEqual(expect.arrayContaining(['p_trend_up', 'p_vol_high', 'score', 'confidence', 'ml_mean', 'ml_scores']));
    const rows = csv.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
    expect(rows.length).toBeGreaterThan(2);
    const metrics = JSON.parse(await readFile(join(a, 'metrics.json'), 'utf8')) as { tradesRead: number; metrics: Record<string, number> };
    expect(metrics.tradesRead).toBe(2973);
    expect(metrics.metrics.trades).toBe(rows.length);
    // Each row's profit is its points times $50 times contracts, less 2 × 2.25 per contract.
    let net = 0;
    for (const r of rows) {
      const dir = r.side === 'long' ? 1 : -1;
      const expected = (Number(r.exit_price) - Number(r.entry_price)) * dir * 50 * Number(r.qty) - 4.5 * Number(r.qty);
      expect(Number(r.profit)).toBeCloseTo(expected, 2);
      expect(r.symbol).toBe('ES');
      net += Number(r.profit);
    }
    expect(metrics.metrics.netProfit).toBeCloseTo(net, 2);
  });

  test('mia train, then mia backtest --models: every trade carries the three ML scores; two runs give identical bytes', async () => {
    const models = await mkdtemp(join(tmpdir(), 'mia-models-'));
    dirs.push(models);
    const train = new Command('mia').exitOverride();
    trainCommand(train);
    await train.parseAsync(['node', 'mia', 'train', '--input', input, '--out', models, '--stop-ticks', '2', '--target-ticks', '3', '--no-progress']);
    // A low approval threshold: models trained on one quiet hour score near 0.5, and the test wants trades.
    const withModels = [...args, '--models', models, '--ml-threshold', '0.3'];
    const a = await backtest(withModels);
    const b = await backtest(withModels);
    for (const f of ['trades.csv', 'trades.parquet', 'metrics.json']) {
      expect(Buffer.compare(await readFile(join(a, f)), await readFile(join(b, f))), f).toBe(0);
    }
    const csv = (await readFile(join(a, 'trades.csv'), 'utf8')).trim().split('\n');
    const header = csv[0]!.split(',');
    const rows = csv.slice(1).map((l) => l.split(','));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const scores = r[header.indexOf('ml_scores')]!.split(';').map(Number);
      expect(scores).toHaveLength(3);
      expect(Number(r[header.indexOf('ml_mean')])).toBeCloseTo((scores[0]! + scores[1]! + scores[2]!) / 3, 5);
    }
    const metrics = JSON.parse(await readFile(join(a, 'metrics.json'), 'utf8')) as { ml: { enabled: boolean; hashes: string[]; warnings: unknown[] } };
    expect(metrics.ml.enabled).toBe(true);
    expect(metrics.ml.hashes).toHaveLength(3);
    // The models' training warnings travel into the run's record (one hour of bars: at least too few samples).
    const manifest = JSON.parse(await readFile(join(models, 'manifest.json'), 'utf8')) as ModelManifest;
    expect(manifest.warnings!.map((w) => w.code)).toContain('MIA_WARN_FEW_SAMPLES');
    expect(metrics.ml.warnings).toEqual(manifest.warnings);
  });

  test('--from opens entries, --to ends the replay', async () => {
    const out = await backtest([...args, '--from', '2023-12-25T23:30:00Z', '--to', '2023-12-25T23:45:00Z']);
    const csv = (await readFile(join(out, 'trades.csv'), 'utf8')).trim().split('\n');
    const header = csv[0]!.split(',');
    for (const l of csv.slice(1)) {
      const r = l.split(',');
      expect(r[header.indexOf('signal_time')]! >= '2023-12-25T23:30:00').toBe(true);
      expect(r[header.indexOf('exit_time')]! < '2023-12-25T23:45:00').toBe(true);
    }
    const m = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as { tradesRead: number; lastTrade: string; from: string; to: string };
    expect(m.tradesRead).toBeGreaterThan(0);
    expect(m.tradesRead).toBeLessThan(2973);
    expect(m.lastTrade < '2023-12-25T23:45:00').toBe(true);
    expect([m.from, m.to]).toEqual(['2023-12-25T23:30:00.000Z', '2023-12-25T23:45:00.000Z']);
  });

  test('--models with a folder that holds no models fails with a coded error', async () => {
    await expect(backtest([...args, '--models', join(tmpdir(), 'mia-no-such-models')])).rejects.toMatchObject({ code: 'MIA_ERR_INPUT_UNREADABLE' });
  });
});
