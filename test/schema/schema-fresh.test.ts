// Generated code is committed; these fail when it drifts from its source (schema or asm layout), the
// same check CI runs. Both generators' --check modes only read, so running them here touches no file.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function check(script: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [script, '--check'], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

test('src/protocol/generated matches schema/mia.fbs (flatc output is committed)', () => {
  const r = check('scripts/gen-schema.mjs');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test('src/kernels/layout.ts mirrors asm/layout.ts', () => {
  const r = check('scripts/gen-layout.mjs');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});
