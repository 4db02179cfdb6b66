import { frontMonth, nextQuarterly } from '../../src/adapters/ib/front-month.js';
import type { ContractSpec } from './tws-wire.js';

/**
 * Contracts the test server lists for ES and NQ around the March 2024 roll (third Friday 2024-03-15, roll
 * Thursday 2024-03-07): the quarterlies H4, M4, U4, so the adapter must choose by the roll rule.
 */
export const CONTRACTS: ContractSpec[] = [
  spec(495512551, 'ES', 'ESH4', '20240315', '202403'),
  spec(551601561, 'ES', 'ESM4', '20240621', '202406'),
  spec(568550526, 'ES', 'ESU4', '20240920', '202409'),
  spec(563947738, 'NQ', 'NQH4', '20240315', '202403'),
  spec(620730920, 'NQ', 'NQM4', '20240621', '202406'),
];

/** conId of ESH4 and NQH4, the front months on 2024-03-04. */
export const ESH4 = 495512551;
export const NQH4 = 563947738;
/** conId of ESM4, the front month from 2024-03-07. */
export const ESM4 = 551601561;

function spec(conId: number, symbol: string, localSymbol: string, lastTradeDate: string, contractMonth: string): ContractSpec {
  return {
    conId, symbol, secType: 'FUT', lastTradeDate, contractMonth, exchange: 'CME', currency: 'USD', localSymbol,
    multiplier: symbol === 'ES' ? 50 : 20, minTick: 0.25,
  };
}

/** conIds of the cash indices (IB's own: SPX on CBOE, NDX on NASDAQ). */
export const SPX = 416904;
export const NDX = 416843;

/** The context indices as IB lists them: secType IND, no expiry, no multiplier. */
export const INDEXES: ContractSpec[] = [
  { conId: SPX, symbol: 'SPX', secType: 'IND', lastTradeDate: '', contractMonth: '', exchange: 'CBOE', currency: 'USD', localSymbol: 'SPX', multiplier: '', minTick: 0.01 },
  { conId: NDX, symbol: 'NDX', secType: 'IND', lastTradeDate: '', contractMonth: '', exchange: 'NASDAQ', currency: 'USD', localSymbol: 'NDX', multiplier: '', minTick: 0.01 },
];

/**
 * The front and next quarterlies of `symbol` (ES or NQ) by the wall clock, conIds `conIdBase` + 1 and + 2, so a
 * CLI resolving the front month finds one (`mia serve`, scripts/tws-test-server.ts).
 */
export function futuresAroundToday(symbol: string, conIdBase: number): ContractSpec[] {
  const f = frontMonth(new Date());
  return [f, nextQuarterly(f)].map((m, k) => spec(conIdBase + 1 + k, symbol, `${symbol}${m.code}${String(m.year).slice(-1)}`,
    m.expiry.toISOString().slice(0, 10).replace(/-/g, ''), m.contractMonth));
}

/** ES quarterlies around today, conIds 800000001 (the front month) and 800000002. */
export function esAroundToday(): ContractSpec[] {
  return futuresAroundToday('ES', 800_000_000);
}
