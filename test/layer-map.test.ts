// The lint layer map bites: probe sources linted in memory at paths inside src/ (never written to disk)
// through ESLint's Node API with the project's eslint.config.js. Only the import rules run (they need no
// type information) and they resolve against the real files.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

const eslint = new ESLint({
  cwd: root,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId.startsWith('import-x/'),
});

/** The rule ids and messages ESLint reports for `code` as if it were the file at `path` (under the repo root). */
async function lint(path: string, code: string): Promise<{ ruleId: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return (result?.messages ?? []).map(({ ruleId, message }) => ({ ruleId, message }));
}

describe('layer map', () => {
  test('model importing the engine is refused with the map named', async () => {
    const messages = await lint(
      'src/model/layer-probe.ts',
      "import { EventBus } from '../engine/engine-events.js';\nexport const bus = EventBus;\n",
    );
    expect(messages).toEqual([
      {
        ruleId: 'import-x/no-restricted-paths',
        message: expect.stringContaining('src/model may import only common'),
      },
    ]);
  });

  test('a type-only import from a higher layer is refused too', async () => {
    const messages = await lint(
      'src/protocol/layer-probe.ts',
      "import type { SnapshotEvent } from '../engine/engine-events.js';\nexport type Event = SnapshotEvent;\n",
    );
    expect(messages.map((m) => m.ruleId)).toEqual(['import-x/no-restricted-paths']);
  });

  test('the client reads the wire only: kernels are refused, protocol is not', async () => {
    const kernels = await lint(
      'src/client/layer-probe.ts',
      "import { TRADE_BYTES } from '../kernels/layout.js';\nexport const size = TRADE_BYTES;\n",
    );
    expect(kernels.map((m) => m.ruleId)).toEqual(['import-x/no-restricted-paths']);
    const protocol = await lint(
      'src/client/layer-probe.ts',
      "import { decodeFrame } from '../protocol/frame-decoder.js';\nexport const decode = decodeFrame;\n",
    );
    expect(protocol).toEqual([]);
  });

  test('only the IB adapter imports @stoqey/ib', async () => {
    const code = "import { IBApi } from '@stoqey/ib';\nexport const api = IBApi;\n";
    expect((await lint('src/cli/layer-probe.ts', code)).map((m) => m.ruleId)).toEqual(['import-x/no-restricted-paths']);
    expect(await lint('src/adapters/ib/layer-probe.ts', code)).toEqual([]);
  });

  test('a test beside the engine may read frames through the stream publisher; the engine may not', async () => {
    const publisher = "import { StreamPublisher } from '../stream/stream-publisher.js';\nexport const p = StreamPublisher;\n";
    expect(await lint('src/engine/layer-probe.test.ts', publisher)).toEqual([]);
    expect((await lint('src/engine/layer-probe.ts', publisher)).map((m) => m.ruleId)).toEqual([
      'import-x/no-restricted-paths',
    ]);
    const client = "import { MiaClient } from '../client/mia-client.js';\nexport const c = MiaClient;\n";
    expect((await lint('src/engine/layer-probe.test.ts', client)).map((m) => m.ruleId)).toEqual([
      'import-x/no-restricted-paths',
    ]);
  });

  test('the dashboard reads the wire only, and only it imports lightweight-charts', async () => {
    const engine = await lint('web/src/layer-probe.ts', "import { EventBus } from '../../src/engine/engine-events.js';\nexport const b = EventBus;\n");
    expect(engine).toEqual([
      { ruleId: 'import-x/no-restricted-paths', message: expect.stringContaining('web may import only protocol, model, common') },
    ]);
    const client = await lint('web/src/layer-probe.ts', "import { MiaClient } from '../../src/client/mia-client.js';\nexport const c = MiaClient;\n");
    expect(client.map((m) => m.ruleId)).toEqual(['import-x/no-restricted-paths']);
    expect(await lint('web/src/layer-probe.ts', "import { decodeFrame } from '../../src/protocol/frame-decoder.js';\nexport const d = decodeFrame;\n")).toEqual([]);
    const charts = "import { createChart } from 'lightweight-charts';\nexport const c = createChart;\n";
    expect((await lint('src/stream/layer-probe.ts', charts)).map((m) => m.ruleId)).toEqual(['import-x/no-restricted-paths']);
    expect(await lint('web/src/layer-probe.ts', charts)).toEqual([]);
  });

  test('a cycle is refused', async () => {
    // common/errors.ts with one more import: model/timeframe-format.ts imports common/errors.ts.
    const messages = await lint(
      'src/common/errors.ts',
      "import { formatTimeframe } from '../model/timeframe-format.js';\nexport const f = formatTimeframe;\n",
    );
    expect(messages.map((m) => m.ruleId).sort()).toEqual(['import-x/no-cycle', 'import-x/no-restricted-paths']);
  });

  test('every folder of src/ has a place in the map', async () => {
    const configUrl = pathToFileURL(join(root, 'eslint.config.js')).href;
    const { layers } = (await import(configUrl)) as { layers: Record<string, string[]> };
    const holdsCode = (folder: string): boolean =>
      statSync(join(root, 'src', folder)).isDirectory() &&
      readdirSync(join(root, 'src', folder), { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith('.ts'));
    const folders = readdirSync(join(root, 'src'))
      .flatMap((name) =>
        name === 'adapters' ? readdirSync(join(root, 'src/adapters')).map((adapter) => `adapters/${adapter}`) : [name],
      )
      .filter(holdsCode);
    expect(folders.filter((folder) => !(folder in layers))).toEqual([]);
  });
});
