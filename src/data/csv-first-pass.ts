import { sizeDecimalsOf, splitCsvLine } from './csv-fields.js';
import type { CsvLines, RowVisitor } from './csv-lines.js';
import { sizeDecimalsAt, Token } from './csv-byte-fields.js';
import type { Columns } from './csv-header.js';
import { CsvRowWalker, Role, rolesOf, skipFieldWide, TEXT_ROW } from './csv-row-walker.js';
import { fieldIs } from './csv-trade-run.js';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const T = 0x54;

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
  /** Roles of {@link run}: the action and the size's decimals (the symbols are found by then). */
  private readonly sizeRoles: Uint8Array;
  private readonly token = new Token();

  constructor(cols: Columns, goals: FirstPassGoals) {
    this.cols = cols;
    this.goals = goals;
    this.sizeRoles = rolesOf([[cols.action, Role.Action], [cols.size, Role.SizeDecimals]]);
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

  /**
   * Reads rows in bulk from `lines.at` once only the size precision is left to find: the rows {@link bytes}
   * would take without their text (whole in the buffer, no quote, the size a plain decimal at its field's
   * end), with the same result. Stops at the first other row and at the end of the buffer's whole lines;
   * returns the rows read and moves `lines.at` past them.
   */
  run(lines: CsvLines): number {
    if (this.pause || !this.goals.decimals || !this.onlyDecimalsLeft()) return 0;
    const buf = lines.buf;
    const end = lines.end;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    const roles = this.sizeRoles;
    const last = roles.length - 1;
    const hasAction = this.cols.action >= 0;
    const t = this.token;
    let decimals = this.decimals;
    let p = lines.at;
    let done = 0;
    rows: for (;;) {
      let places = -1;
      let isTrade = false;
      let f = p;
      let q = p;
      for (let k = 0; ; k++) {
        const role = roles[k]!;
        if (role === Role.SizeDecimals) {
          places = sizeDecimalsAt(buf, f, end, t);
          if (places < 0) break rows;
          q = t.q;
        } else q = skipFieldWide(view, buf, f, end);
        if (q + 1 >= end) break rows; // the row may go on in the next chunk: bytes() knows
        let b = buf[q]!;
        if (b === CR && buf[q + 1] === LF) b = LF;
        else if (b !== COMMA && b !== LF) break rows; // a quote, or a size short of its field's end
        if (role === Role.Action) isTrade = (b === LF && buf[q - 1] === CR ? q - 1 : q) - f === 1 && buf[f] === T;
        if (b === LF) {
          if (k !== last) break rows; // the row ends before a needed field
          if (buf[q] === CR) q++;
          break;
        }
        if (k === last) {
          for (q++; q < end; q++) {
            const x = buf[q]!;
            if (x <= COMMA && (x === LF || x === QUOTE)) break;
          }
          if (q >= end || buf[q] === QUOTE) break rows;
          break;
        }
        f = q + 1;
      }
      if (!hasAction || isTrade) decimals = Math.max(decimals, places);
      done++;
      p = q + 1;
    }
    this.decimals = decimals;
    lines.at = p;
    return done;
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
    this.pause = !this.goals.decimals && this.onlyDecimalsLeft();
  }

  /** True once the symbols are found (or not sought): only the sizes may still tell something. */
  private onlyDecimalsLeft(): boolean {
    const { symbol, chosen } = this.goals;
    const hasSymbols = this.cols.symbol >= 0;
    return !(symbol && hasSymbols && !this.symbol) && !(chosen !== undefined && hasSymbols && !this.chosenSeen);
  }
}
