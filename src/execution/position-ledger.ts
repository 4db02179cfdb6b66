import { CONTRACT_SPECS, contractSpec, type ContractSpec } from '../model/contract-specs.js';
import type { PositionBook } from '../risk/risk-engine.js';
import { ExecutionError, ExecutionErrorCode } from './execution-errors.js';
import type { Fill } from './execution-venue.js';

/** A position opened from flat and closed back to flat, with its profit in dollars. */
export interface RoundTrip {
  symbol: string;
  side: 'long' | 'short';
  /** Largest absolute position held, contracts. */
  qty: number;
  entryNs: bigint;
  /** Quantity-weighted mean price of the fills that opened the position. */
  entryPrice: number;
  exitNs: bigint;
  /** Quantity-weighted mean price of the fills that closed it. */
  exitPrice: number;
  /** (exit − entry) · direction · contracts · point value, before costs. */
  grossUsd: number;
  /** Every fill's commission, both sides. */
  commissionUsd: number;
  /** grossUsd − commissionUsd. */
  netUsd: number;
}

interface OpenPosition {
  qty: number;
  entryNs: bigint;
  entryCost: number;
  entryQty: number;
  exitValue: number;
  exitQty: number;
  maxQty: number;
  grossUsd: number;
  commissionUsd: number;
  avgPrice: number;
}

/**
 * Positions and realized profit from fills, with each contract's point value (ES $50, NQ $20 a point).
 * Profit is realized against the average entry price as the position shrinks; a round trip is reported
 * when the position returns to flat. A fill through zero closes one round trip and opens the next.
 */
export class PositionLedger implements PositionBook {
  private readonly specs: Readonly<Record<string, ContractSpec>>;
  private readonly open = new Map<string, OpenPosition>();
  private realized = 0;

  constructor(specs: Readonly<Record<string, ContractSpec>> = CONTRACT_SPECS) {
    this.specs = specs;
  }

  /** Signed position of a symbol, contracts. */
  position(symbol: string): number {
    return this.open.get(symbol)?.qty ?? 0;
  }

  /** Every symbol not flat, with its signed position (the risk engine's PositionBook). */
  *openPositions(): Iterable<readonly [symbol: string, qty: number]> {
    for (const [symbol, p] of this.open) if (p.qty !== 0) yield [symbol, p.qty] as const;
  }

  /** Net realized profit of every round trip closed so far, dollars. */
  get realizedUsd(): number {
    return this.realized;
  }

  /** Applies one fill; returns the round trip it completes, if any. */
  apply(f: Fill): RoundTrip | undefined {
    const spec = contractSpec(f.symbol, this.specs);
    if (!spec) throw new ExecutionError(ExecutionErrorCode.BAD_ORDER, `no contract specification for ${f.symbol}`, { symbol: f.symbol });
    const signed = f.side === 'buy' ? f.qty : -f.qty;
    let p = this.open.get(f.symbol);
    if (!p) {
      p = { qty: 0, entryNs: f.tsNs, entryCost: 0, entryQty: 0, exitValue: 0, exitQty: 0, maxQty: 0, grossUsd: 0, commissionUsd: 0, avgPrice: 0 };
      this.open.set(f.symbol, p);
    }
    const perContract = f.commissionUsd / f.qty;
    if (p.qty === 0 || Math.sign(p.qty) === Math.sign(signed)) {
      this.add(p, signed, f.price, f.commissionUsd);
      return undefined;
    }
    const closing = Math.min(Math.abs(signed), Math.abs(p.qty));
    const dir = Math.sign(p.qty);
    p.grossUsd += (f.price - p.avgPrice) * dir * closing * spec.pointValue;
    p.commissionUsd += perContract * closing;
    p.exitValue += f.price * closing;
    p.exitQty += closing;
    p.qty += dir * -closing;
    if (p.qty !== 0) return undefined;
    const trip: RoundTrip = {
      symbol: f.symbol, side: dir > 0 ? 'long' : 'short', qty: p.maxQty, entryNs: p.entryNs, entryPrice: p.entryCost / p.entryQty,
      exitNs: f.tsNs, exitPrice: p.exitValue / p.exitQty, grossUsd: p.grossUsd, commissionUsd: p.commissionUsd, netUsd: p.grossUsd - p.commissionUsd,
    };
    this.realized += trip.netUsd;
    this.open.delete(f.symbol);
    const rest = Math.abs(signed) - closing;
    if (rest > 0) {
      const next: OpenPosition = { qty: 0, entryNs: f.tsNs, entryCost: 0, entryQty: 0, exitValue: 0, exitQty: 0, maxQty: 0, grossUsd: 0, commissionUsd: 0, avgPrice: 0 };
      this.add(next, Math.sign(signed) * rest, f.price, perContract * rest);
      this.open.set(f.symbol, next);
    }
    return trip;
  }

  private add(p: OpenPosition, signed: number, price: number, commissionUsd: number): void {
    const q = Math.abs(signed);
    p.avgPrice = (p.avgPrice * Math.abs(p.qty) + price * q) / (Math.abs(p.qty) + q);
    p.qty += signed;
    p.entryCost += price * q;
    p.entryQty += q;
    p.maxQty = Math.max(p.maxQty, Math.abs(p.qty));
    p.commissionUsd += commissionUsd;
  }
}
