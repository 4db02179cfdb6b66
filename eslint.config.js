// ESLint for the engine: the layer map and import cycles (house style practice 1), plus a few correctness
// rules. `npm run lint` runs it in CI; `npm run fix` applies the fixable ones.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'eslint/config';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layer map: each folder of src/ (and workers/) with the folders it may import, besides itself.
 * Bottom to top:
 *   1. common (imports nothing of ours), model (common)
 *   2. protocol: the wire, with its generated FlatBuffers code in protocol/generated
 *   3. the domain: data, kernels, pool, signals, risk, ml, execution (siblings only as listed)
 *   4. engine, the orchestrator
 *   5. the edges: stream, client, adapters/*, backtest, replay, journal, alerts (client reads the wire only); report (journal → Markdown)
 *   6. cli, the composition root, imports anything in src/
 * workers/ are worker entries: the pool's (kernels, the pool's task types, model, common), the journal's writer and
 * the engine loop's watchdog (engine/loop-watchdog.ts).
 * web/ is the dashboard, a browser page on top of the wire: it reads protocol, model and common only (what a
 * browser bundle may hold: no Node API), and it alone imports lightweight-charts.
 * Type-only imports count: a type from a higher layer still ties the lower one to it. Nothing in src/ or
 * workers/ imports test/, bench/ or workers/. Tests next to the code (*.test.ts) keep the map but may
 * also read what subscribers get through the stream's frame converters (testFrameConverters).
 * test/layer-map.test.ts checks that every folder of src/ is listed here.
 */
const wire = ['protocol', 'model', 'common'];
const domain = ['data', 'kernels', 'pool', 'signals', 'risk', 'ml', 'execution'];
const belowEdges = ['engine', ...domain, ...wire];
const adapters = ['adapters/ib', 'adapters/replay', 'adapters/sim'];

/** Folder under src/ (or 'workers') → folders under src/ it may import. '*' is anything in src/. */
export const layers = {
  common: [],
  model: ['common'],
  protocol: ['model', 'common'],
  data: ['model', 'common'],
  kernels: ['data', 'model', 'common'], // the tape writer classifies aggressor sides (data/side-classifier)
  pool: ['kernels', 'model', 'common'],
  risk: ['model', 'common'],
  // The decision stack reads the domain's types (model), never the wire's: decoded messages are converted in
  // protocol/signal-input.ts, and the engine hands the stack typed events.
  signals: ['model', 'common'],
  ml: ['signals', 'model', 'common'],
  execution: ['risk', 'signals', 'model', 'common'],
  engine: [...domain, ...wire],
  stream: belowEdges,
  client: wire, // the client no longer pulls in the kernels' memory layout
  'adapters/ib': belowEdges,
  'adapters/replay': belowEdges,
  'adapters/sim': belowEdges,
  backtest: [...adapters, 'replay', ...belowEdges], // the offline runner drives the replay adapter
  replay: belowEdges,
  // The report reads the journal (DuckDB) and computes with backtest's one metrics definition; it never
  // touches the live engine or the stream.
  report: ['backtest', 'model', 'common'],
  // The journal taps the engine's events and the venue's; its writer thread (workers/journal-worker.ts) owns DuckDB.
  journal: belowEdges,
  alerts: belowEdges, // rules over the engine's state, delivered to the bus and webhooks
  // NATS JetStream (issue 17): frames the stream publisher builds go out on the bus; the gateway feeds a stream server.
  bus: ['stream', ...belowEdges],
  cli: ['*'],
  workers: ['kernels', 'pool', 'journal', 'engine', 'model', 'common'], // engine: the loop watchdog's heartbeat reader
  web: wire,
};

/**
 * What a *.test.ts beside the code may import beyond its layer: the frames a subscriber receives, and the
 * protocol (hand-built stream messages, converted to the signals' input, are the signal tests' fixtures).
 */
export const testFrameConverters = ['stream/stream-publisher.ts', 'stream/frame-writer.ts', 'protocol'];

/** The third-party packages only one folder may import (practice 2: translate at the edge). */
const edgePackages = {
  '@stoqey/ib': 'adapters/ib',
  'uWebSockets.js': 'stream',
  nats: 'bus',
  piscina: 'pool',
  'lightweight-charts': 'web',
};

/** Top-level folders that hold code beside src/ (the pool's worker entries, the dashboard). */
const outsideSrc = new Set(['workers', 'web']);
const folderOf = (name) => (outsideSrc.has(name) ? name : `src/${name}`);

function layerZones(forTests) {
  const zones = [];
  for (const [name, allowed] of Object.entries(layers)) {
    if (allowed.includes('*')) continue;
    const except = [...allowed, ...(outsideSrc.has(name) ? [] : [name])].map((a) => `./${a}`);
    if (forTests) except.push(...testFrameConverters.map((f) => `./${f}`).filter((f) => !except.includes(f)));
    zones.push({
      target: folderOf(name),
      from: 'src',
      except,
      message: `Layer map (eslint.config.js): ${folderOf(name)} ${
        allowed.length > 0 ? `may import only ${allowed.join(', ')}` : 'imports nothing else of ours'
      }.`,
    });
  }
  for (const [pkg, owner] of Object.entries(edgePackages)) {
    zones.push({
      target: Object.keys(layers).filter((name) => name !== owner).map(folderOf),
      from: `**/node_modules/${pkg}/**`, // a glob, so a nested store (node_modules/.pnpm/…) matches too
      message: `Only ${folderOf(owner)} imports ${pkg}.`,
    });
  }
  zones.push({
    target: ['src', 'workers'],
    from: 'workers',
    message: 'Worker entries are loaded by path (Piscina filename), never imported.',
  });
  return zones;
}

// import.meta.dirname needs Node 20.11; package.json allows 20.10.
const here = fileURLToPath(new URL('.', import.meta.url));
const tsFiles = ['**/*.ts'];
const productionFiles = ['src/**/*.ts', 'workers/**/*.ts', 'web/**/*.ts'];
// *.test-kit.ts: helpers shared by the tests beside the code (the same rules as those tests).
const testFiles = ['src/**/*.test.ts', 'src/**/*.test-kit.ts', 'web/**/*.test.ts'];

function restrictedPaths(zones) {
  return ['error', { basePath: here, zones }];
}

export default defineConfig([
  {
    ignores: ['dist/**', 'build/**', 'asm/**', 'node_modules/**', 'src/protocol/generated/**', 'coverage/**', 'web/dist/**'],
  },
  {
    files: tsFiles,
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: here },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      // NodeNext: imports name the emitted .js, the source is the .ts beside it.
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.js', '.mjs', '.json', '.node'],
          extensionAlias: { '.js': ['.ts', '.js'] },
          conditionNames: ['node', 'import', 'require', 'default'],
        }),
      ],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-array-delete': 'error',
      eqeqeq: ['error', 'smart'],
      'no-cond-assign': 'error',
      'no-unsafe-finally': 'error',
      'no-useless-catch': 'error',
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-self-compare': 'error',
      'no-unreachable': 'error',
      'no-fallthrough': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { 'no-unused-vars': ['error', { caughtErrors: 'none' }], eqeqeq: ['error', 'smart'] },
  },
  {
    files: productionFiles,
    ignores: testFiles,
    rules: {
      'import-x/no-restricted-paths': restrictedPaths([
        ...layerZones(false),
        { target: ['src', 'workers', 'web'], from: ['test', 'bench'], message: 'Production code does not import tests or benchmarks.' },
      ]),
    },
  },
  {
    files: testFiles,
    rules: { 'import-x/no-restricted-paths': restrictedPaths(layerZones(true)) },
  },
]);
