// Symbol leases on a real nats-server (JetStream KV with a TTL): one owner at a time, a takeover once the owner
// stops renewing, and a partitioned owner that stops counting itself owner before anyone else can claim.
import { afterAll, beforeAll, expect, test } from 'vitest';
import pino from 'pino';
import { BusLink } from '../../src/bus/bus-connection.js';
import { SymbolLeases } from '../../src/bus/symbol-lease.js';
import { until } from '../stream/serve-harness.js';
import { cleanUp, startNats, type Child, type Nats } from './bus-harness.js';

const log = pino({ level: 'silent' });
const children: Child[] = [];
const stores: string[] = [];
let nats: Nats;
beforeAll(async () => {
  nats = await startNats();
  children.push(nats);
  stores.push(nats.storeDir);
});
afterAll(async () => {
  await cleanUp(children, stores);
});

async function keeper(node: string, leaseMs: number): Promise<{ leases: SymbolLeases; link: BusLink }> {
  const link = await BusLink.open({ url: nats.url, name: node }, log);
  const leases = new SymbolLeases({ node, leaseMs }, log);
  await leases.open(link.nc);
  return { leases, link };
}

test('one owner at a time; a partitioned owner stops before the standby takes over; a clean stop hands over at once', async () => {
  const leaseMs = 2000;
  const a = await keeper('a', leaseMs);
  await a.leases.start(['ES']);
  expect(a.leases.owns('ES')).toBe(true);
  const b = await keeper('b', leaseMs);
  await b.leases.start(['ES']);
  expect(b.leases.owns('ES')).toBe(false);
  expect(b.leases.states()[0]).toMatchObject({ symbol: 'ES', owned: false, owner: 'a' });

  // Both keep running for several leases: a renews, b never gets it.
  const overlap: number[] = [];
  const watch = setInterval(() => {
    if (a.leases.owns('ES') && b.leases.owns('ES')) overlap.push(Date.now());
  }, 10);
  await new Promise((r) => setTimeout(r, 3 * leaseMs));
  expect(b.leases.owns('ES')).toBe(false);
  expect(a.leases.owns('ES')).toBe(true);

  // Partition a (its connection gone, its process alive): it stops counting itself owner, then b takes over.
  await a.link.nc.close();
  await until(() => b.leases.owns('ES'));
  clearInterval(watch);
  expect(overlap).toEqual([]);
  expect(a.leases.owns('ES')).toBe(false);
  expect(b.leases.states()[0]).toMatchObject({ owned: true, owner: 'b', acquired: 1 });
  await a.leases.stop();

  // A clean stop deletes the key: a third node claims it on its first try, without waiting for the TTL.
  await b.leases.stop();
  const c = await keeper('c', 60_000);
  await c.leases.start(['ES']);
  expect(c.leases.owns('ES')).toBe(true);
  await c.leases.stop();
  await Promise.all([b.link.close(), c.link.close()]);
}, 60_000);
