// Runs every benchmark suite in its own process (a suite's JIT state must not leak into the next) and
// passes --json through. Usage: npm run bench [-- --json] [-- --only full-pass]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const pass = args.filter((a, i) => a !== '--only' && args[i - 1] !== '--only');
const suites = readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && (!only || f.startsWith(only))).sort();
let failed = 0;
for (const suite of suites) {
  if (!pass.includes('--json')) process.stderr.write(`\n# ${suite}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${suite}`, ...pass], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
