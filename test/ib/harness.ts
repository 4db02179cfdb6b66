import { pino, type Logger } from 'pino';
import type { TradeSink } from '../../src/engine/market-source.js';
import type { IbSource, IbSourceOptions } from '../../src/adapters/ib/ib-source.js';
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
