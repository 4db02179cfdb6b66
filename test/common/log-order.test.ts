// The final `mia: … (CODE)` line of a failed command is the last line on stderr: pino's JSON destination writes
// synchronously, so no log line is still in flight when it is written (a race test/stream/serve-port.test.ts hit).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/log-then-fail.ts', import.meta.url));

test('2,000 log lines, then the coded line: every log line first, the coded line last', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(2001);
  expect(lines.at(-1)).toBe('mia: the end (MIA_ERR_TEST)');
  expect(lines.slice(0, -1).map((l) => (JSON.parse(l) as { i: number }).i)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
});
