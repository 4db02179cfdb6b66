// The hot model swap of `mia serve --models-watch` on real models directories (trained here on synthetic samples,
// written all or nothing as `mia train` writes them, scored in onnxruntime): a `current` symlink repointed to an
// approved directory is loaded off the decision path and swapped in between two decisions (those before carry the
// old model hashes, those after the new ones, none is lost); a directory with a corrupted model file, one the gate
// refused and one never gated are refused with their codes and counted, and the running models stay.
import { mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeOutputFolder } from '../../src/common/atomic-output.js';
import { DecisionPipeline } from '../../src/engine/decision-pipeline.js';
import { EventBus, type DecisionEvent } from '../../src/engine/engine-events.js';
import type { ChallengeVerdict } from '../../src/ml/champion-gate.js';
import { ModelEnsemble } from '../../src/ml/model-ensemble.js';
import { MANIFEST_FILE, MODEL_NAMES, type ModelManifest } from '../../src/ml/model-manifest.js';
import { EXPLAIN_FILE } from '../../src/ml/model-explainer.js';
import { trainAndExport } from '../../src/ml/model-trainer.js';
import { ModelWatcher } from '../../src/ml/model-watcher.js';
import { snapshotInputOf } from '../../src/protocol/signal-input.js';
import type { SnapshotMessage } from '../../src/protocol/messages.js';
import { mia } from '../journal/journal-harness.js';
import { syntheticSamples } from './synthetic-samples.js';

const log = pino({ level: 'silent' });

/** A verdict as `mia train --challenge` writes it (the gate itself is tested in champion-gate.test.ts). */
function verdict(approved: boolean): ChallengeVerdict {
  const s = { logLoss: approved ? 0.6 : 0.7, auc: 0.6, brier: 0.2 };
  return {
    approved, metric: 'logLoss', margin: 0.005, block: { trainEnd: 150, testStart: 155, testEnd: 240, samples: 85, positives: 40 },
    challenger: s, champion: { ...s, logLoss: 0.65, dir: 'old', createdAt: '2024-01-01T00:00:00.000Z', hashes: [], sawBlock: false },
    reason: approved ? 'challenger wins' : 'champion stays',
  };
}

/** Trains on synthetic samples of `seed` and writes a models directory as `mia train` does (marker included). */
async function modelsDir(dir: string, seed: number, challenge?: ChallengeVerdict): Promise<ModelManifest> {
  const { x, y } = syntheticSamples(240, seed);
  const spec = { command: 'mia train', files: [...MODEL_NAMES.map((m) => `${m}.onnx`), EXPLAIN_FILE, MANIFEST_FILE] };
  const r = await writeOutputFolder(dir, spec, (staging) => trainAndExport(x, y, staging.dir, {
    folds: 2, embargo: 5, seed, createdAt: '2024-01-02T00:00:00.000Z', label: { targetTicks: 2, stopTicks: 2, horizonBars: 5, tickSize: 0.25 },
    ...(challenge ? { challenge } : {}),
  }));
  return r.manifest;
}

/** A snapshot the signal engine decides on (warming up: features missing, every decision flat and scored). */
function snapshot(sequence: number): SnapshotMessage {
  const tsNs = 1_703_545_200_000_000_000n + BigInt(sequence) * 100_000_000n;
  const session = { poc: 0, vah: 0, val: 0, vaCoverage: 0, hvn: [], lvn: [], vwap: 0, vwapSigma: 0, vwapUpper1: 0, vwapLower1: 0, vwapUpper2: 0, vwapLower2: 0, inferredShare: 0 };
  return {
    type: 'snapshot', topic: 'snapshot.ES', symbol: 'ES', sequence, ts: new Date(Number(tsNs / 1_000_000n)).toISOString(), tsNs: tsNs.toString(),
    tickSize: 0.25, sizeDecimals: 0, quality: [], quote: null, tradesTotal: sequence, dataQuality: null,
    stages: { tickReceivedUs: 0, tapeCommittedUs: 0, kernelsDoneUs: 0, frameBuiltUs: 0, publishedUs: 1 },
    frames: [{ timeframe: '1m', timeframeSec: 60, bar: null, lastClosed: null, footprint: [], session }],
  };
}

/** Points the symlink `link` at `target` atomically (a new link renamed over the old, as `ln -sfn` + `mv -T`). */
async function repoint(link: string, target: string): Promise<void> {
  await symlink(target, `${link}.new`);
  await rename(`${link}.new`, link);
}

describe('hot model swap between two decisions (mia serve --models-watch)', () => {
  let root = '';
  const hashes: Record<string, string[]> = {};
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mia-swap-'));
    for (const [name, seed, v] of [['a', 1, verdict(true)], ['b', 2, verdict(true)], ['corrupt', 3, verdict(true)], ['lost', 4, verdict(false)], ['ungated', 5, undefined]] as const) {
      hashes[name] = (await modelsDir(join(root, name), seed, v)).models.map((m) => m.sha256);
    }
    // One byte of the corrupted directory's model changed after the manifest recorded its hash.
    const lr = join(root, 'corrupt', 'lr.onnx');
    const bytes = await readFile(lr);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    await writeFile(lr, bytes);
    await symlink(join(root, 'a'), join(root, 'current'));
  }, 60_000);
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('swaps approved models in between two decisions and refuses a corrupted, a refused and an ungated directory', async () => {
    const current = join(root, 'current');
    const initial = await ModelEnsemble.load(current);
    const bus = new EventBus();
    const decisions: DecisionEvent[] = [];
    bus.on('decision', (e) => decisions.push(e));
    const pipeline = new DecisionPipeline({
      filter: initial.status(), scorer: initial, startingBalance: 25_000, winProbability: 0.5, symbols: ['ES'],
    }, log).attach(bus);
    const notices: string[] = [];
    const watcher = await new ModelWatcher({
      path: current, initial, log, intervalMs: 3_600_000,
      install: (e, applied) => pipeline.swapScorer({ scorer: e, filter: e.status(), missingFeature: e.manifest.missingFeatureValue, applied }),
      notify: (n) => notices.push(n.kind === 'swapped' ? `swapped ${n.dir}` : `refused ${n.code}`),
    }).start();
    let seq = 0;
    const decide = (): void => pipeline.onSnapshot({ symbol: 'ES', sequence: BigInt(++seq), tsNs: BigInt(seq), quality: 0, input: snapshotInputOf(snapshot(seq)) });
    try {
      expect(await watcher.poll()).toBe('unchanged');
      decide();
      decide();
      await repoint(current, join(root, 'b'));
      // Loaded and checked now, between decisions; applied at the start of the next one.
      expect(await watcher.poll()).toBe('pending');
      expect(watcher.stats().swaps).toBe(0);
      decide();
      decide();
      expect(watcher.stats()).toMatchObject({ swaps: 1, refused: 0, current: { hashes: hashes.b } });
      expect(pipeline.health().filter).toMatchObject({ enabled: true, models: hashes.b!.map((sha256) => expect.objectContaining({ sha256 })) });

      await repoint(current, join(root, 'corrupt'));
      expect(await watcher.poll()).toBe('refused');
      expect(watcher.stats().lastRefusal).toMatchObject({ code: 'MIA_ERR_BAD_CONFIG', message: expect.stringMatching(/lr\.onnx does not match its sha256/) });
      decide();
      await repoint(current, join(root, 'lost'));
      expect(await watcher.poll()).toBe('refused');
      expect(watcher.stats().lastRefusal).toMatchObject({ code: 'MIA_ERR_MODEL_UNAPPROVED', message: expect.stringMatching(/gate refused it \(champion stays\)/) });
      await repoint(current, join(root, 'ungated'));
      expect(await watcher.poll()).toBe('refused');
      expect(watcher.stats().lastRefusal).toMatchObject({ code: 'MIA_ERR_MODEL_UNAPPROVED', message: expect.stringMatching(/no champion\/challenger verdict/) });
      // A refused directory is not tried again until it changes.
      expect(await watcher.poll()).toBe('unchanged');
      decide();

      expect(watcher.stats()).toMatchObject({ seen: 4, swaps: 1, refused: 3, current: { hashes: hashes.b } });
      expect(notices).toEqual([`swapped ${join(root, 'b')}`, 'refused MIA_ERR_BAD_CONFIG', 'refused MIA_ERR_MODEL_UNAPPROVED', 'refused MIA_ERR_MODEL_UNAPPROVED']);
      // Every snapshot decided and scored, in order: two with the first models, the rest with the second.
      expect(decisions.map((d) => Number(d.sequence))).toEqual([1, 2, 3, 4, 5, 6]);
      expect(decisions.map((d) => d.ml.state)).toEqual(Array(6).fill('scored'));
      expect(decisions.map((d) => [...d.ml.hashes])).toEqual([hashes.a, hashes.a, hashes.b, hashes.b, hashes.b, hashes.b]);
      expect(pipeline.counts).toMatchObject({ snapshots: 6, decisions: 6, scored: 6, failed: 0 });
    } finally {
      await watcher.stop();
      initial.close();
    }
  });

  test('a directory rewritten in place (mia train --out on the watched path) is seen as new', async () => {
    const dir = join(root, 'inplace');
    await modelsDir(dir, 6, verdict(true));
    const initial = await ModelEnsemble.load(dir);
    const installed: string[][] = [];
    const watcher = await new ModelWatcher({
      path: dir, initial, log, intervalMs: 3_600_000,
      install: (e, applied) => {
        installed.push(e.manifest.models.map((m) => m.sha256));
        applied(initial);
      },
    }).start();
    try {
      const next = await modelsDir(dir, 7, verdict(true));
      expect(await watcher.poll()).toBe('installed');
      expect(installed).toEqual([next.models.map((m) => m.sha256)]);
    } finally {
      await watcher.stop();
      initial.close();
    }
  });

  test('a path repointed between the initial load and the watcher\'s start is new at the first look', async () => {
    const link = join(root, 'late');
    await symlink(join(root, 'a'), link);
    const initial = await ModelEnsemble.load(link);
    await repoint(link, join(root, 'b'));
    const installed: string[][] = [];
    const watcher = await new ModelWatcher({
      path: link, initial, log, intervalMs: 3_600_000,
      install: (e, applied) => (installed.push(e.manifest.models.map((m) => m.sha256)), applied(initial)),
    }).start();
    try {
      expect(await watcher.poll()).toBe('installed');
      expect(installed).toEqual([hashes.b]);
    } finally {
      await watcher.stop();
      initial.close();
    }
  });

  test('mia serve --models-watch without --models is refused before anything opens', async () => {
    const r = await mia(['serve', '--models-watch', '--port', '0', '--journal', 'off']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--models-watch needs --models DIR \(MIA_ERR_BAD_ARGUMENT\)/);
  });
});
