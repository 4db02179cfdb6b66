import type { PositionLedger } from '../execution/position-ledger.js';
import type { RiskEngine } from '../risk/risk-engine.js';

/** The same number, as its decimal text would say (0 and -0 alike, NaN equal to NaN). */
function same(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/**
 * Whether the risk state differs from the last one published, read from the risk engine and the ledger in
 * place. The pipeline asks at every decision and publishes only on a change: building the state and a text key
 * of it for the question (as before issue 15) was garbage at every decision for an answer that is nearly
 * always "unchanged". Compares what that key held: alert, halt, balance, daily P&L, losses in a row, the last
 * refusal and its symbol, and each symbol's position.
 */
export class RiskChange {
  private readonly symbols: readonly string[];
  private readonly qty: Float64Array;
  private readonly nums = new Float64Array(3);
  private alert = '';
  private halted = false;
  private refusal: string | null = null;
  private refusalSymbol: string | null = null;
  private known = false;

  constructor(symbols: readonly string[]) {
    this.symbols = symbols;
    this.qty = new Float64Array(symbols.length);
  }

  /** Forgets the last state: the next `changed` answers true (a new listener gets the state at once). */
  reset(): void {
    this.known = false;
  }

  /** True when the state differs from the last one recorded, and records it. */
  changed(r: RiskEngine, ledger: PositionLedger, refusal: string | null, refusalSymbol: string | null): boolean {
    let diff = !this.known || r.alert !== this.alert || r.isHalted !== this.halted || refusal !== this.refusal
      || refusalSymbol !== this.refusalSymbol || !same(r.balance, this.nums[0]!) || !same(r.dailyPnl, this.nums[1]!)
      || !same(r.consecutiveLosses, this.nums[2]!);
    for (let i = 0; i < this.symbols.length && !diff; i++) diff = !same(ledger.position(this.symbols[i]!), this.qty[i]!);
    if (!diff) return false;
    this.record(r, ledger, refusal, refusalSymbol);
    return true;
  }

  private record(r: RiskEngine, ledger: PositionLedger, refusal: string | null, refusalSymbol: string | null): void {
    this.known = true;
    this.alert = r.alert;
    this.halted = r.isHalted;
    this.refusal = refusal;
    this.refusalSymbol = refusalSymbol;
    this.nums[0] = r.balance;
    this.nums[1] = r.dailyPnl;
    this.nums[2] = r.consecutiveLosses;
    for (let i = 0; i < this.symbols.length; i++) this.qty[i] = ledger.position(this.symbols[i]!);
  }
}
