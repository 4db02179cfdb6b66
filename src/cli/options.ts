import { IB_FUTURE_SYMBOLS, type IbFutureSymbol } from '../adapters/ib/ib-symbols.js';
import type { ReplaySource } from '../adapters/replay/replay-source.js';
import { SIM_SYMBOLS, type SimSymbol } from '../adapters/sim/instruments.js';
import { configError, ErrorCode } from '../common/errors.js';
import type { SessionAnchor, ValueAreaMethod } from '../model/bar-features.js';
import { parseTimeframe } from '../model/timeframe-format.js';
import { CONTRACT_SPECS, contractRoot, onTickGrid } from '../model/contract-specs.js';

/** Parses a positive number option or throws a coded argument error naming the flag. */
export function positiveNumber(flag: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw configError(ErrorCode.BAD_ARGUMENT, `${flag} must be a positive number, got "${text}"`);
    return n;
  };
}

/** Parses a number option ≥ 0. */
export function nonNegative(flag: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0) throw configError(ErrorCode.BAD_ARGUMENT, `${flag} must be a number >= 0, got "${text}"`);
    return n;
  };
}

/** Parses an ISO-8601 date-time option (`2023-12-25T23:30:00Z`) to ms since the epoch. */
export function isoTime(flag: string) {
  return (text: string): number => {
    const ms = Date.parse(text);
    if (!/^\d{4}-\d\d-\d\dT/.test(text) || !Number.isFinite(ms)) {
      throw configError(ErrorCode.BAD_ARGUMENT, `${flag} must be an ISO-8601 time such as 2023-12-25T23:30:00Z, got "${text}"`);
    }
    return ms;
  };
}

/**
 * Parses a comma-separated `--symbols` list of the futures `who` knows (`the simulator`: SIM_SYMBOLS; `IB`:
 * IB_FUTURE_SYMBOLS); any other symbol is BAD_ARGUMENT naming the known ones.
 */
export function futureSymbols<S extends string>(text: string, who: string, known: readonly S[]): S[] {
  const symbols = text.split(',').filter(Boolean).map((s) => s.trim().toUpperCase());
  for (const s of symbols) {
    if (!(known as readonly string[]).includes(s)) {
      const list = `${known.slice(0, -1).join(', ')} and ${known.at(-1)}`;
      throw configError(ErrorCode.BAD_ARGUMENT, `--symbols: ${who} knows ${list}, not "${s}"`, { symbol: s, known: [...known] });
    }
  }
  return symbols as S[];
}

/** `--symbols` of the simulator: ES, NQ, MES, MNQ. */
export function simSymbols(text: string): SimSymbol[] {
  return futureSymbols(text, 'the simulator', SIM_SYMBOLS);
}

/** `--symbols` of `--source ib`: ES and NQ (IB_FUTURE_SYMBOLS says why not the micros). */
export function ibSymbols(text: string): IbFutureSymbol[] {
  return futureSymbols(text, 'IB', IB_FUTURE_SYMBOLS);
}

/** Parses a non-negative integer option. */
export function wholeNumber(flag: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw configError(ErrorCode.BAD_ARGUMENT, `${flag} must be a whole number, got "${text}"`);
    return n;
  };
}

/**
 * Parses a TCP port: a whole number up to 65535, at least `min` (0 where 0 means any free port, 1 for a port
 * to connect to). Digits only: `1e3`, `-1` and `80.5` are refused, and so is 99999, which uWS would have
 * taken modulo 65536.
 */
export function portNumber(flag: string, min: 0 | 1 = 0) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > 65535) {
      const range = min === 0 ? 'from 0 to 65535 (0: any free port)' : 'from 1 to 65535';
      throw configError(ErrorCode.BAD_ARGUMENT, `${flag} must be a port number ${range}, got "${text}"`);
    }
    return n;
  };
}

/**
 * Refuses a --tick-size that does not fit the contract `instrument` names (`ESH4`, `NQ`, a file named
 * `esh4_…`): ES and NQ tick 0.25, so rows of 0.5 or 1 are whole ticks (coarser rows), while 0.1 or 0.3 would
 * put the contract's prices on a grid they are not on. Instruments contract-specs does not know (crypto,
 * equities) take any positive tick size.
 */
export function checkTickSize(tickSize: number, instrument: string): void {
  const root = contractRoot(instrument);
  const spec = root === undefined ? undefined : CONTRACT_SPECS[root];
  if (!spec || onTickGrid(tickSize, spec)) return;
  throw configError(ErrorCode.BAD_ARGUMENT,
    `--tick-size ${tickSize} does not fit "${instrument}" (${root}): ${root} moves in ticks of ${spec.tickSize}, ` +
      `so the tick size must be ${spec.tickSize} or a whole multiple of it, such as ${spec.tickSize * 2} or ${spec.tickSize * 4}`,
    { tickSize, instrument, contractTick: spec.tickSize });
}

/**
 * {@link checkTickSize} for a replay, on the file's instrument and on the name it is published under (either may
 * be a contract with its own tick); a refused replay is closed before the error goes on.
 */
export async function checkReplayTickSize(tickSize: number, replay: ReplaySource): Promise<void> {
  try {
    checkTickSize(tickSize, replay.source.info.symbol);
    for (const i of replay.instruments) checkTickSize(tickSize, i.symbol);
  } catch (e) {
    await replay.close();
    throw e;
  }
}

/** Parses a comma-separated timeframe list such as `1m,5m,1h`. */
export function timeframeList(text: string): number[] {
  return text.split(',').filter(Boolean).map(parseTimeframe);
}

/** Parses the value-area share: 0.7 or 70 (percent). */
export function share(text: string): number {
  let n = Number(text);
  if (n > 1 && n <= 100) n /= 100;
  if (!(n > 0 && n <= 1)) throw configError(ErrorCode.BAD_ARGUMENT, `--value-area must be in (0, 1] or a percentage, got "${text}"`);
  return n;
}

/** Validates one of a fixed set of words. */
export function oneOf<T extends string>(flag: string, words: readonly T[]) {
  return (text: string): T => {
    if (!(words as readonly string[]).includes(text)) {
      throw configError(ErrorCode.BAD_ARGUMENT, `${flag} must be one of ${words.join(', ')}, got "${text}"`);
    }
    return text as T;
  };
}

/** Value-area methods accepted on the command line. */
export const VALUE_AREA_METHODS: readonly ValueAreaMethod[] = ['cbot2', 'greedy1'];
/** Session anchors accepted on the command line. */
export const SESSIONS: readonly SessionAnchor[] = ['globex', 'rth', 'utc'];

/** A probability in [0, 1]. */
export function probability(flag: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!(n >= 0 && n <= 1)) throw configError(ErrorCode.BAD_ARGUMENT, `${flag} must be in [0, 1], got "${text}"`);
    return n;
  };
}
