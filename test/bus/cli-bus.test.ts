// The --bus options at the command line: bad values and an unreachable NATS fail fast with their codes.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { freePort } from '../stream/serve-harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const mia = (...args: string[]) => spawnSync(process.execPath, ['bin/mia.js', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

test('--bus must be a nats:// URL; mia gateway needs --bus', () => {
  const r = mia('serve', '--bus', 'http://127.0.0.1:4222', '--journal', 'off');
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('MIA_ERR_BAD_ARGUMENT');
  const g = mia('gateway', '--port', '0');
  expect(g.status).toBe(1);
  expect(g.stderr).toContain('mia gateway needs --bus');
  const n = mia('serve', '--bus', 'nats://127.0.0.1:4222', '--bus-node', 'a.b', '--journal', 'off');
  expect(n.status).toBe(1);
  expect(n.stderr).toContain('--bus-node');
}, 60_000);

test('an unreachable NATS stops mia serve before the source opens, MIA_ERR_BUS_CONNECT', async () => {
  // A port nobody listens on (free a moment ago).
  const port = await freePort();
  const r = mia('serve', '--bus', `nats://127.0.0.1:${port}`, '--journal', 'off', '--port', '0');
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('MIA_ERR_BUS_CONNECT');
}, 60_000);
