// `mia serve` with an alert rule forced to fire (a tick → published p99 limit of 1 ns): the alert goes out on the
// `alert` topic (binary and JSON alike), into /health, and to a generic and a Discord webhook served here, whose
// URLs come from the environment and are logged redacted. A bad alerts file or webhook URL stops the start.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { AlertHealth } from '../../src/alerts/alert-monitor.js';
import type { AlertMessage } from '../../src/protocol/messages.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { connect, serve, until, type Served } from '../stream/serve-harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const file = dataFile('cme-esh4-mbo/esh4_20231225_trades.csv');
const running: Served[] = [];
const servers: Server[] = [];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mia-serve-alerts-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const s of running.splice(0)) {
    if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await s.exited;
  }
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A webhook that records each JSON body and answers 204. */
async function hook(): Promise<{ url: string; bodies: Record<string, unknown>[] }> {
  const bodies: Record<string, unknown>[] = [];
  const s = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(text) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/webhooks/123/secret-token`, bodies };
}

const alerts = (c: { messages: unknown[] }): AlertMessage[] => c.messages.filter((m): m is AlertMessage => (m as AlertMessage).type === 'alert');

/** Runs `mia ARGS` to its end: exit code and stderr. */
async function mia(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, ['bin/mia.js', ...args], { cwd: root, env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe.skipIf(!HAVE_DATA)('mia serve alerts, end to end on the ESH4 trades (Databento)', () => {
  test('a latency rule forced to fire: raised on the alert topic, in /health, delivered to both webhooks; URLs logged redacted', async () => {
    const generic = await hook();
    const discord = await hook();
    const rules = join(dir, 'alerts.json');
    await writeFile(rules, JSON.stringify({ evaluateMs: 100, rules: { latency: { p99Ms: 0.000001, forMs: 0, windowMs: 600_000 } } }));
    const journal = join(dir, 'alerts-journal.duckdb');
    const s = await serve(['--source', 'replay', '--input', file, '--symbols', 'ESH4', '--speed', 'max', '--wait-subscribers', '2', '--alerts', rules, '--journal', journal],
      { MIA_ALERT_WEBHOOK_URL: generic.url, MIA_ALERT_DISCORD_URL: discord.url });
    running.push(s);
    const bin = await connect(s.port, 'binary', ['alert', 'status']);
    const json = await connect(s.port, 'json', ['alert', 'status']);
    await until(() => alerts(bin).length > 0 && alerts(json).length > 0 && generic.bodies.length > 0 && discord.bodies.length > 0);
    const health = await (await fetch(`http://127.0.0.1:${s.port}/health`)).json() as { alerts: AlertHealth };
    s.proc.kill('SIGTERM');
    await Promise.all([bin.closed, json.closed]);
    expect(await s.exited).toBe(0);

    const [a] = alerts(bin);
    expect(a).toMatchObject({ type: 'alert', topic: 'alert', key: 'latency', rule: 'latency', symbol: null, severity: 'warning', state: 'raised', count: 1, threshold: 0.000001 });
    expect(a!.value).toBeGreaterThan(0.000001);
    expect(alerts(json)[0]).toEqual(a);
    expect(generic.bodies[0]).toMatchObject({ type: 'alert', source: 'mia', key: 'latency', state: 'raised', value: a!.value, sinceMs: a!.sinceMs });
    expect(discord.bodies[0]).toMatchObject({ username: 'MIA', content: expect.stringContaining('WARNING latency') as unknown, allowed_mentions: { parse: [] } });

    expect(health.alerts.enabled).toBe(true);
    expect(health.alerts.inputs).toEqual({ journal: true, dataQuality: true });
    expect(health.alerts.active.map((x) => x.key)).toContain('latency');
    expect(health.alerts.counts.raised).toBeGreaterThanOrEqual(1);
    expect(health.alerts.delivery.map((d) => [d.target, d.url, d.sent >= 1])).toEqual([
      ['webhook', `${new URL(generic.url).origin}/…`, true], ['discord', `${new URL(discord.url).origin}/…`, true],
    ]);
    expect(s.stderr()).toContain(`${new URL(generic.url).origin}/…`);
    expect(s.stderr()).not.toContain('secret-token');

    // The journal's alerts table has the raise the stream carried.
    const q = await mia(['journal', 'query', "SELECT rule, state, severity, value FROM alerts WHERE state = 'raised' ORDER BY ts", '--journal', journal, '--format', 'json']);
    expect(q.code).toBe(0);
    // One JSON object per line.
    const rows = q.stdout.trim().split('\n').map((l) => JSON.parse(l) as { rule: string; state: string; severity: string; value: number });
    expect(rows[0]).toEqual({ rule: 'latency', state: 'raised', severity: 'warning', value: a!.value });
  }, 60_000);

  test('without --alerts the default rules run (none fires on a clean replay); --alerts off leaves /health saying so', async () => {
    const on = await serve(['--source', 'replay', '--input', file, '--speed', 'max', '--wait-subscribers', '1']);
    running.push(on);
    const c = await connect(on.port, 'binary', ['alert', 'status']);
    await until(() => c.messages.some((m) => m.type === 'status' && m.sourceState === 'finished'));
    const health = await (await fetch(`http://127.0.0.1:${on.port}/health`)).json() as { alerts: AlertHealth };
    expect(health.alerts).toMatchObject({ enabled: true, evaluateMs: 1000, active: [], delivery: [], inputs: { journal: false, dataQuality: true } });
    expect(health.alerts.rules).toEqual(['latency', 'feedStale', 'feedGap', 'feedDisconnected', 'riskWarning', 'riskCritical', 'riskCatastrophe', 'riskHalted', 'drawdown', 'journalLag', 'dataQuality', 'featureDrift']);
    expect(on.stderr()).toContain('Alert rules ready, no webhook set');

    const off = await serve(['--source', 'replay', '--input', file, '--speed', 'max', '--alerts', 'off', '--wait-subscribers', '1']);
    running.push(off);
    const offHealth = await (await fetch(`http://127.0.0.1:${off.port}/health`)).json() as { alerts: { enabled: boolean } };
    expect(offHealth.alerts).toEqual({ enabled: false });
  }, 60_000);
});

describe('mia serve refuses a bad alerts file or webhook URL before it starts', () => {
  test('a rule key with a bad value: exit 1, the file and key named, MIA_ERR_BAD_CONFIG', async () => {
    const rules = join(dir, 'bad.json');
    await writeFile(rules, '{"rules": {"latency": {"p99Ms": -5}}}');
    const r = await mia(['serve', '--port', '0', '--alerts', rules]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`mia: ${rules}: rules.latency.p99Ms: must be a positive number, got -5 (MIA_ERR_BAD_CONFIG)`);
  });

  test('a webhook URL that is not http(s): exit 1 naming the variable, not its value', async () => {
    const r = await mia(['serve', '--port', '0'], { MIA_ALERT_DISCORD_URL: 'discord.com/api/webhooks/1/secret-token' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('MIA_ALERT_DISCORD_URL is not a URL');
    expect(r.stderr).toContain('MIA_ERR_BAD_CONFIG');
    expect(r.stderr).not.toContain('secret-token');
  });
});
