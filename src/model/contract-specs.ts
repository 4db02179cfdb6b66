/** Tick size and dollar value of a futures contract. */
export interface ContractSpec {
  /** Minimum price increment, index points. */
  tickSize: number;
  /** Dollars per index point per contract. */
  pointValue: number;
}

/**
 * CME E-mini specifications (domain.md): ES $50 a point, NQ $20 a point, both ticking 0.25. CME's Micro E-mini
 * specifications: MES (Micro E-mini S&P 500) $5 a point and MNQ (Micro E-mini Nasdaq-100) $2 a point, a tenth
 * of their E-mini on the same index and the same 0.25 tick.
 */
export const CONTRACT_SPECS: Readonly<Record<string, ContractSpec>> = {
  ES: { tickSize: 0.25, pointValue: 50 },
  NQ: { tickSize: 0.25, pointValue: 20 },
  MES: { tickSize: 0.25, pointValue: 5 },
  MNQ: { tickSize: 0.25, pointValue: 2 },
};

/** Dollars per tick per contract (ES $12.50, NQ $5, MES $1.25, MNQ $0.50). */
export function tickValue(spec: ContractSpec): number {
  return spec.tickSize * spec.pointValue;
}

/** True when `price` is a positive whole number of ticks (to within 1e-9 of a tick, for binary fractions' sake). */
export function onTickGrid(price: number, spec: ContractSpec): boolean {
  return price > 0 && Math.abs(price / spec.tickSize - Math.round(price / spec.tickSize)) <= 1e-9;
}

/** True when a bracket's stop is on the losing side of its target: below it for a buy, above it for a sell. */
export function stopOnLosingSide(buy: boolean, stop: number, target: number): boolean {
  return buy ? stop < target : target < stop;
}

/**
 * The specification of a symbol: the root (`ES`, `MES`) or a contract (`ESH4`, `ESZ25`, `MESH4`), whose month code and
 * year are stripped to find the root. Undefined when unknown.
 */
export function contractSpec(symbol: string, specs: Readonly<Record<string, ContractSpec>> = CONTRACT_SPECS): ContractSpec | undefined {
  const s = symbol.toUpperCase();
  return specs[s] ?? specs[s.replace(/[FGHJKMNQUVXZ]\d{1,2}$/, '')];
}

/**
 * The contract root of a name: the root itself (`ES`), a contract (`ESH4`, `nqz25`, `MESH4`), or a file named
 * after its contract (`esh4_20231225_trades`, `mnqm4-trades`); undefined for anything else. Roots are two
 * letters (E-minis) or three (Micro E-minis). Replays publish under the root, so a
 * file of ESH4 trades is `ES` to bots, `/snapshot/ES`, paper trading and backtests alike.
 */
export function contractRoot(name: string, specs: Readonly<Record<string, ContractSpec>> = CONTRACT_SPECS): string | undefined {
  const s = name.toUpperCase();
  const spec = contractSpec(s, specs);
  if (spec) return Object.keys(specs).find((r) => specs[r] === spec);
  const m = /^([A-Z]{2,3})[FGHJKMNQUVXZ]\d{1,2}(?:[^A-Z0-9]|$)/.exec(s);
  return m && specs[m[1]!] ? m[1] : undefined;
}
