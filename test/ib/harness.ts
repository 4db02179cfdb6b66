import { pino, type Logger } from 'pino';
import type { TradeSink } from '../../src/engine/market-source.js';
import { IbSource, type IbSourceOptions } from '../../src/adapters/ib/ib-source.js';
import type { TradeBatch } from '../../src/model/trade-batch.js';
import { CONTRACTS } from './fixtures.js';
import { TwsServer } from './tws-server.js';

/** A trade as the engine received it. */
export interface TakenTrade {
  sec: number;
  price: number;
  size: number;
  side: number;
}

/** A TradeSink that records what it takes, per instrument, and the last quote. */
export class RecordingSink implements TradeSink {
  readonly trades: TakenTrade[][] = [[], []];
  readonly quotes: Array<{ bid: number; ask: number } | undefined> = [];

  offer(i: number, b: TradeBatch, from: number, to: number): number {
    const list = (this.trades[i] ??= []);
    for (let j = from; j < to; j++) list.push({ sec: Number(b.tsNs(j) / 1_000_000_000n), price: b.price[j]!, size: b.size[j]!, side: b.side[j]! });
    return to - from;
  }

  quote(i: number, _ts: bigint, bid: number, ask: number): void {
    this.quotes[i] = { bid, ask };
  }
}

/** A logger that writes nothing (tests assert on behaviour, never on log lines). */
export const quiet: Logger = pino({ level: process.env.MIA_TEST_LOG ?? 'silent' });

/** Short timings so every scenario finishes in seconds; the clock is the server's. */
export function fastSettings(server: TwsServer): Omit<IbSourceOptions, 'symbols'> {
  return {
    host: '127.0.0.1', port: server.port, clientId: 7, backoffBaseMs: 20, backoffCapMs: 200, connectTimeoutMs: 3000,
    startTimeoutMs: 10_000, heartbeatMs: 1000, heartbeatTimeoutMs: 3000, settleMs: 150, historicalTimeoutMs: 2000,
    historicalRetries: 2, backfillSec: 600, lostGapFlagMs: 60_000, nowSec: () => server.nowSec,
  };
}

/** A started server with the fixture contracts. */
export async function startServer(): Promise<TwsServer> {
  const s = new TwsServer({ contracts: CONTRACTS });
  await s.listen();
  return s;
}

/** An ES source on a test server of its own, past its start-up backfill. */
export interface IbSession {
  s: TwsServer;
  src: IbSource;
  sink: RecordingSink;
}

/** The servers and sources a test file opens, closed together after each test (`afterEach(() => sessions.closeAll())`). */
export class IbSessions {
  private servers: TwsServer[] = [];
  private sources: IbSource[] = [];

  /** A started server, closed by closeAll. */
  async server(): Promise<TwsServer> {
    const s = await startServer();
    this.servers.push(s);
    return s;
  }

  /** An opened source, closed by closeAll. */
  async source(options: IbSourceOptions): Promise<IbSource> {
    const src = await IbSource.open(options, quiet);
    this.sources.push(src);
    return src;
  }

  /** An ES session on a new server, polled until its start-up backfill is done. */
  async open(extra: Partial<IbSourceOptions> = {}): Promise<IbSession> {
    const s = await this.server();
    const src = await this.source({ symbols: ['ES'], ...fastSettings(s), ...extra });
    const sink = new RecordingSink();
    await pollUntil(src, sink, () => feedHealth(src, 0).gap === 'none', 10_000, 'start-up backfill');
    return { s, src, sink };
  }

  /** Sources first, then their servers. */
  async closeAll(): Promise<void> {
    for (const src of this.sources.splice(0)) await src.close();
    for (const s of this.servers.splice(0)) await s.close();
  }
}

/** Polls `source` into `sink` every few ms until `done()` holds; throws after `timeoutMs`. */
export async function pollUntil(source: IbSource, sink: TradeSink, done: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    source.poll(sink);
    if (done()) return;
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Waits (without polling a source) until `done()` holds. */
export async function waitFor(done: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A deterministic random walk of trades: `n` trades, `perSec` per second, from `startSec`. */
export function walk(n: number, startSec: number, perSec: number, seed: number, start = 5000): Array<{ sec: number; price: number; size: number }> {
  let x = seed >>> 0 || 1;
  const rnd = (): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
  let price = start;
  const out: Array<{ sec: number; price: number; size: number }> = [];
  for (let k = 0; k < n; k++) {
    price += rnd() < 0.5 ? -0.25 : 0.25;
    out.push({ sec: startSec + Math.floor(k / perSec), price, size: 1 + Math.floor(rnd() * 25) });
  }
  return out;
}

/** Health of one instrument of the source. */
export function feedHealth(source: IbSource, i: number): Record<string, unknown> {
  return (source.health().instruments as Array<Record<string, unknown>>)[i]!;
}
