// `mia serve --source ib --trading paper`: the built CLI against the TWS test server. Decisions on live trades
// become IB paper brackets at the server's order desk; the backfilled history places none; a fill shows on
// `risk` and /health; shutdown cancels the legs and closes the position with a market order.
import { afterEach, describe, expect, test } from 'vitest';
import type { DecisionMessage, RiskMessage } from '../../src/protocol/messages.js';
import { connect, serve, until, type Served } from '../stream/serve-harness.js';
import { esAroundToday } from './fixtures.js';
import { walk } from './harness.js';
import { TwsServer } from './tws-server.js';
import { OUT, type ServerOrder } from './tws-wire.js';

const served: Served[] = [];
let tws: TwsServer | undefined;
let streaming: NodeJS.Timeout | undefined;

afterEach(async () => {
  clearInterval(streaming);
  for (const s of served.splice(0)) {
    if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await s.exited;
  }
  await tws?.close();
  tws = undefined;
});

/** The front month of esAroundToday(), the contract the CLI trades. */
const FRONT = 800_000_001;
const wallSec = (): number => Math.floor(Date.now() / 1000);

interface Health {
  source: { trading: { bracketsSent: number; closesSent: number }; instruments: Array<{ gap: string; waiting: number; backfilled: number; barTrades: number }> };
  risk: { positions: Array<{ symbol: string; qty: number }>; ordersEnabled: boolean };
  decisions: { counts: { decisions: number }; trading: { entries: number; withheld: Record<string, number> } };
}

async function health(s: Served): Promise<Health> {
  return (await (await fetch(`http://127.0.0.1:${s.port}/health`)).json()) as Health;
}

interface Session {
  s: Served;
  server: TwsServer;
  history: Array<{ sec: number; price: number }>;
  /** Trades stamped from this second on are after serve's start. */
  liveFromSec: number;
  decisions: () => DecisionMessage[];
  risks: () => RiskMessage[];
  placed: () => ServerOrder[];
}

/**
 * The test server with ten minutes of ES history (two trades a second, ending 11 s before now), `mia serve
 * --trading paper` on it with thresholds low enough for a random walk to give directional decisions and
 * positions capped at 2, and a client on `signal.ES` and `risk`; resolves once the backfill is done and
 * every trade it gave the engine is decided on.
 */
async function paperSession(prepare: (server: TwsServer) => void = () => undefined): Promise<Session> {
  const startSec = wallSec();
  const server = new TwsServer({ contracts: esAroundToday(), startSec });
  tws = server;
  const history = walk(1180, startSec - 600, 2, 11);
  for (const t of history) server.trade(FRONT, t.price, t.size, t.sec);
  prepare(server);
  const port = await server.listen();
  const s = await serve([
    '--source', 'ib', '--symbols', 'ES', '--ib-port', String(port), '--ib-client-id', '4', '--trading', 'paper', '--interval-ms', '50',
    '--long-threshold', '0.01', '--short-threshold', '-0.01', '--min-confidence', '0', '--max-position', '2', '--wait-subscribers', '1',
  ]);
  served.push(s);
  // Serve took its start time before it listened: every trade stamped from the next whole second is after it.
  const liveFromSec = wallSec() + 1;
  const c = await connect(s.port, 'json', ['signal.ES', 'risk']);
  const decisions = (): DecisionMessage[] => c.messages.filter((m): m is DecisionMessage => m.type === 'signal');
  for (;;) {
    const h = await health(s);
    const f = h.source.instruments[0];
    if (f && f.gap === 'none' && f.waiting === 0 && f.backfilled + f.barTrades > 0 && decisions().length === h.decisions.counts.decisions) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    s, server, history, liveFromSec, decisions,
    risks: () => c.messages.filter((m): m is RiskMessage => m.type === 'risk'),
    placed: () => server.requests.filter((r) => r.msgId === OUT.PLACE_ORDER).map((r) => server.orders.orders.get(r.reqId!)!),
  };
}

/** From `liveFromSec`: a trade every 40 ms stamped on the wall clock (as IB stamps them), rising a tick each. */
async function streamLive(x: Session): Promise<() => number> {
  await until(() => wallSec() >= x.liveFromSec);
  let price = x.history.at(-1)!.price;
  streaming = setInterval(() => {
    x.server.nowSec = wallSec();
    price += 0.25;
    x.server.trade(FRONT, price, 5);
  }, 40);
  return () => price;
}

describe('mia serve --source ib --trading paper (TWS test server)', () => {
  test('a decision on live trades goes out as a MKT entry with STP and LMT legs of its risk qty; backfill places none; the fill shows on risk and /health; shutdown closes it', async () => {
    const x = await paperSession();
    const { s, server, decisions, risks, placed } = x;
    // The backfill is decided on: directional decisions the risk engine sized, and not one order.
    expect(decisions().filter((d) => d.direction !== 'flat' && d.risk.approved).length).toBeGreaterThan(0);
    expect(placed()).toEqual([]);
    expect((await health(s)).decisions.trading.withheld.beforeStart).toBeGreaterThan(0);

    // Live trades until a bracket is at the desk.
    const last = await streamLive(x);
    await until(() => placed().length === 3 && placed().every((o) => o.status !== 'PendingSubmit'));
    clearInterval(streaming);
    const price = last();
    const [entry, target, stop] = placed();
    expect(entry).toMatchObject({ orderType: 'MKT', parentId: 0, transmit: false, status: 'Submitted' });
    expect(target).toMatchObject({ orderType: 'LMT', parentId: entry!.orderId, transmit: false, status: 'PreSubmitted', action: entry!.action === 'BUY' ? 'SELL' : 'BUY' });
    expect(stop).toMatchObject({ orderType: 'STP', parentId: entry!.orderId, transmit: true, status: 'PreSubmitted', action: target!.action });
    expect([target!.quantity, stop!.quantity]).toEqual([entry!.quantity, entry!.quantity]);
    // The decision it came from, on live trades: its direction, its risk verdict's qty, stop and target.
    const live = decisions().filter((d) => BigInt(d.tsNs) >= BigInt(x.liveFromSec) * 1_000_000_000n);
    const from = live.find((d) => d.direction !== 'flat' && d.risk.approved);
    expect(from).toMatchObject({
      direction: entry!.action === 'BUY' ? 'long' : 'short',
      risk: { approved: true, qty: entry!.quantity, stopPrice: stop!.auxPrice, targetPrice: target!.lmtPrice },
    });
    expect(entry!.quantity).toBe(2);

    // The desk fills the entry: the position is on `risk` and in /health.
    const qty = entry!.action === 'BUY' ? 2 : -2;
    server.orders.fill(entry!.orderId, price);
    await until(() => risks().some((r) => r.positions.some((p) => p.symbol === 'ES' && p.qty === qty)));
    const h = await health(s);
    expect(h.risk).toMatchObject({ ordersEnabled: true, positions: [{ symbol: 'ES', qty }] });
    expect(h.decisions.trading.entries).toBe(1);
    expect(h.source.trading.bracketsSent).toBe(1);

    // Shutdown: the legs are cancelled, then one market order closes the position; its fill ends the wait.
    s.proc.kill('SIGTERM');
    await until(() => server.orders.orders.size === 4);
    const close = [...server.orders.orders.values()].at(-1)!;
    expect(close).toMatchObject({ orderType: 'MKT', action: target!.action, quantity: 2, parentId: 0, transmit: true });
    expect([target!.status, stop!.status]).toEqual(['Cancelled', 'Cancelled']);
    server.orders.fill(close.orderId, price);
    expect(await s.exited).toBe(0);
    expect(risks().at(-1)!.positions).toEqual([{ symbol: 'ES', qty: 0 }]);
    expect(s.stderr()).not.toContain('MIA_WARN_IB_LIQUIDATION_TIMEOUT');
  }, 90_000);

  test('a start-up backfill that bars had to fill keeps the Gap flag: live decisions are published, none is entered', async () => {
    // No historical ticks (162 "no data"): the backfill falls back to 1-minute bars, and snapshots stay flagged Gap.
    const x = await paperSession((server) => server.failHistorical(1));
    const { s, decisions, placed } = x;
    await streamLive(x);
    const liveNs = BigInt(x.liveFromSec) * 1_000_000_000n;
    await until(() => decisions().filter((d) => BigInt(d.tsNs) >= liveNs && d.direction !== 'flat' && d.risk.approved).length >= 3);
    clearInterval(streaming);
    const h = await health(s);
    expect(h.decisions.trading.withheld.Gap).toBeGreaterThanOrEqual(3);
    expect(h.decisions.trading.entries).toBe(0);
    expect(placed()).toEqual([]);
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  }, 90_000);
});
