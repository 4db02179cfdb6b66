// The feed rules end to end on a live source: `mia serve --source ib` against the TWS test server
// (scripts/tws-test-server.ts, as test/web/dashboard-disconnect.test.ts runs it). Stopping the test server is a
// gateway gone away: feedDisconnected is raised (critical) on the alert topic and posted to the webhook; the
// server back on its port clears it and the alert is resolved (hold-down 0 here).
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTwsScript, stopTwsScript } from '../ib/tws-script.js';
import { afterAll, expect, test } from 'vitest';
import type { AlertMessage } from '../../src/protocol/messages.js';
import { connect, freePort, serve, until, type Served } from '../stream/serve-harness.js';

const children: ChildProcess[] = [];
const running: Served[] = [];
let hookServer: Server | undefined;
let dir: string | undefined;

afterAll(async () => {
  for (const s of running) if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
  for (const p of children) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  hookServer?.closeAllConnections();
  hookServer?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});


test('the TWS test server stopped: feedDisconnected raised and delivered; started again: resolved', async () => {
  const bodies: Record<string, unknown>[] = [];
  hookServer = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(text) as Record<string, unknown>);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => hookServer!.listen(0, '127.0.0.1', r));
  dir = await mkdtemp(join(tmpdir(), 'mia-ib-alerts-'));
  const rules = join(dir, 'alerts.json');
  await writeFile(rules, JSON.stringify({ evaluateMs: 100, clearMs: 0, delivery: { minSeverity: 'critical' } }));
  const port = await freePort();
  let tws = await startTwsScript(port, { track: children });
  const s = await serve(['--source', 'ib', '--ib-port', String(port), '--ib-client-id', '7', '--symbols', 'ES,NQ', '--alerts', rules],
    { MIA_ALERT_WEBHOOK_URL: `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook` });
  running.push(s);
  const c = await connect(s.port, 'json', ['alert', 'snapshot.ES']);
  const events = (): string[] => c.messages.filter((m): m is AlertMessage => m.type === 'alert' && m.rule === 'feedDisconnected').map((m) => `${m.key} ${m.state}`);
  await until(() => c.messages.some((m) => m.type === 'snapshot'));
  expect(events()).toEqual([]);

  await stopTwsScript(tws);
  await until(() => events().includes('feedDisconnected:ES raised') && bodies.some((b) => b.key === 'feedDisconnected:ES'));
  const raised = c.messages.find((m): m is AlertMessage => m.type === 'alert' && m.key === 'feedDisconnected:ES')!;
  expect(raised).toMatchObject({ severity: 'critical', state: 'raised', symbol: 'ES', count: 1 });
  expect(bodies.find((b) => b.key === 'feedDisconnected:ES')).toMatchObject({ type: 'alert', severity: 'critical', state: 'raised', sinceMs: raised.sinceMs });
  // minSeverity critical: no warning alert (Gap, Stale) reached the webhook.
  expect(bodies.every((b) => b.severity === 'critical')).toBe(true);

  tws = await startTwsScript(port, { track: children });
  await until(() => events().includes('feedDisconnected:ES resolved'));
  const resolved = c.messages.find((m): m is AlertMessage => m.type === 'alert' && m.key === 'feedDisconnected:ES' && m.state === 'resolved')!;
  expect(resolved.sinceMs).toBe(raised.sinceMs);
  expect(events().filter((e) => e === 'feedDisconnected:ES raised')).toHaveLength(1);
  s.proc.kill('SIGTERM');
  expect(await s.exited).toBe(0);
  await stopTwsScript(tws);
}, 120_000);
