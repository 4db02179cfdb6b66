import { sizeDecimalsOf, splitCsvLine } from './csv-fields.js';
import type { CsvLines, RowVisitor } from './csv-lines.js';
import { CsvRowWalker, Role, rolesOf, TEXT_ROW } from './csv-row-walker.js';
import { fieldIs, type Columns } from './csv-trade-rows.js';

/** What the first pass looks for. */
export interface FirstPassGoals {
  /** Find the finest size precision (no --size-decimals given). */
  decimals: boolean;
  /** Find the symbol of the first trade (no --symbol given). */
  symbol: boolean;
  /** The symbol chosen with --symbol and its UTF-8 bytes, to check that the file has trades of it. */
  chosen: string | undefined;
  chosenBytes: Uint8Array | undefined;
}

/**
 * The first pass of a CSV trade file: the finest size precision of its trades, the symbol of its first trade,
 * and whether the chosen symbol trades in it. Rows are read in place where the byte path can
 * ({@link CsvRowWalker}), from their text otherwise. `pause` turns true once nothing is left to find.
 */
export class CsvFirstPass implements RowVisitor {
  /** Finest size precision seen (0 before any trade). */
  decimals = 0;
  /** Symbol of the first trade with one, '' before. */
  symbol = '';
  /** True once a trade of the chosen symbol was seen. */
  chosenSeen = false;
  pause = false;
  private readonly cols: Columns;
  private readonly goals: FirstPassGoals;
  private readonly walker: CsvRowWalker;

  constructor(cols: Columns, goals: FirstPassGoals) {
    this.cols = cols;
    this.goals = goals;
    this.walker = new CsvRowWalker(rolesOf([[cols.action, Role.Action], [cols.symbol, Role.Symbol],
      [goals.decimals ? cols.size : -1, Role.SizeDecimals]]), 0);
    this.settle();
  }

  bytes(lines: CsvLines): number {
    const w = this.walker;
    const next = w.walk(lines.buf, lines.at, lines.end, lines.atEnd);
    if (next < 0 || !(this.cols.action < 0 || w.isTrade)) return next;
    if (w.sizeDecimals === -2) return TEXT_ROW;
    const s = w.symbolStart;
    const e = w.symbolEnd;
    if (s >= 0) {
      if (this.goals.symbol && !this.symbol && e > s) this.foundSymbol(lines.buf.toString('utf8', s, e));
      const { chosen, chosenBytes } = this.goals;
      if (chosenBytes && !this.chosenSeen && fieldIs(lines.buf, s, e, chosen!, chosenBytes)) this.foundChosen();
    }
    this.decimals = Math.max(this.decimals, w.sizeDecimals);
    return next;
  }

  text(line: string): void {
    const c = this.cols;
    const f = splitCsvLine(line);
    if (!f || (c.action >= 0 && f[c.action] !== 'T')) return;
    if (this.goals.symbol && !this.symbol && c.symbol >= 0 && f[c.symbol]) this.foundSymbol(f[c.symbol]!);
    if (this.goals.chosen !== undefined && c.symbol >= 0 && f[c.symbol] === this.goals.chosen) this.foundChosen();
    if (this.goals.decimals) this.decimals = Math.max(this.decimals, sizeDecimalsOf(f[c.size]?.trim() ?? ''));
  }

  private foundSymbol(symbol: string): void {
    this.symbol = symbol;
    this.settle();
  }

  private foundChosen(): void {
    this.chosenSeen = true;
    this.settle();
  }

  /** Pauses once nothing is left to find: every size must be seen for the precision, one trade for each symbol. */
  private settle(): void {
    const { decimals, symbol, chosen } = this.goals;
    const hasSymbols = this.cols.symbol >= 0;
    this.pause = !decimals && !(symbol && hasSymbols && !this.symbol) && !(chosen !== undefined && hasSymbols && !this.chosenSeen);
  }
}
