import { Side } from '../model/side.js';
import { priceAt, sideAt, sizeAt, sizeDecimalsAt, timestampAt, Token } from './csv-byte-fields.js';

/** What the byte path reads from a column. */
export const Role = {
  /** Not needed: skipped. */
  Skip: 0,
  /** Event time. */
  Ts: 1,
  /** Price. */
  Price: 2,
  /** Size as a raw integer at the size precision. */
  Size: 3,
  /** Decimals of the size (the first pass). */
  SizeDecimals: 4,
  /** Aggressor side. */
  Side: 5,
  /** Databento action: is it `T`? */
  Action: 6,
  /** Symbol: where its bytes are. */
  Symbol: 7,
} as const;

/** `walk()` result: the row goes on after the bytes read; read the next chunk and walk it again. */
export const INCOMPLETE = -1;
/** `walk()` result: the row is for the text path (a quote, or an empty line). */
export const TEXT_ROW = -2;

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const T = 0x54;

/** End of a field that does not need parsing: the first comma, line feed or quote (or `end`). */
export function skipField(buf: Uint8Array, p: number, end: number): number {
  let i = p;
  for (; i < end; i++) {
    const b = buf[i]!;
    if (b <= COMMA && (b === COMMA || b === LF || b === QUOTE)) break;
  }
  return i;
}

/**
 * {@link skipField} four bytes at a time through `view` (over `buf`) while none of the four is a comma, line
 * feed or quote, or anything below 0x2d (one SWAR test on a little-endian u32: true when some byte is below
 * 0x2d, exact for any bytes); the bytes after, one at a time. Same result as skipField.
 */
export function skipFieldWide(view: DataView, buf: Uint8Array, p: number, end: number): number {
  let i = p;
  const last = end - 4;
  while (i <= last) {
    const v = view.getUint32(i, true);
    if (((v - 0x2d2d2d2d) & ~v & 0x80808080) !== 0) break;
    i += 4;
  }
  return skipField(buf, i, end);
}

/** Commas the last {@link skipLine} passed: the fields after the last needed one. */
let skippedCommas = 0;

/** End of a line's bytes after its last needed field: the line feed, or the first quote (or `end`); counts commas. */
function skipLine(buf: Uint8Array, p: number, end: number): number {
  let i = p;
  let commas = 0;
  for (; i < end; i++) {
    const b = buf[i]!;
    if (b <= COMMA) {
      if (b === COMMA) commas++;
      else if (b === LF || b === QUOTE) break;
    }
  }
  skippedCommas = commas;
  return i;
}

/**
 * Reads one CSV row in place: walks its fields in column order, parsing the needed ones as they are found
 * (each byte is read once, no string is made), and leaves the results in its fields. A field whose token
 * does not end at the field's end (white space, an exponent, a sign, anything unusual) is marked unread
 * (NaN, -1, false), so the row goes to the text path if it is a trade; a quote anywhere sends the whole
 * row there, because quotes change where fields end.
 */
export class CsvRowWalker {
  /** Timestamp parsed: `token.hi` / `token.lo` hold it. */
  tsOk = false;
  /** Price, NaN when missing or not handled. */
  price = Number.NaN;
  /** Raw size, -1 when missing or not handled. */
  size = -1;
  /** Size decimals, -1 when not a plain decimal, -2 when only the text path can tell. */
  sizeDecimals = -1;
  /** Side code, -1 when not handled; None when the column is missing. */
  side: number = Side.None;
  /** Fields of the row (when it is not for the text path): the reader refuses a count other than the header's. */
  fields = 0;
  /** True when the action field is exactly `T`. */
  isTrade = false;
  /** Start of the symbol field's bytes, -1 when the row has no such field. */
  symbolStart = -1;
  /** End of the symbol field's bytes, -1 when the row has no such field. */
  symbolEnd = -1;
  /** Where parsers stopped, and the timestamp's halves. */
  readonly token = new Token();
  /** Role of each column up to the last one needed. */
  private readonly roles: Uint8Array;
  /** Size precision for the Size role. */
  private readonly decimals: number;

  constructor(roles: Uint8Array, decimals: number) {
    this.roles = roles;
    this.decimals = decimals;
  }

  /**
   * Reads the row at `buf[p]`: returns where the next row starts, {@link INCOMPLETE} when the row goes on
   * past `end` and the file does (`atEnd` false), or {@link TEXT_ROW}.
   */
  walk(buf: Uint8Array, p: number, end: number, atEnd: boolean): number {
    const roles = this.roles;
    const last = roles.length - 1;
    const t = this.token;
    const lineStart = p;
    this.tsOk = false;
    this.price = Number.NaN;
    this.size = -1;
    this.sizeDecimals = -1;
    this.side = Side.None;
    this.isTrade = false;
    this.symbolStart = -1;
    this.symbolEnd = -1;
    let q = p;
    for (let k = 0; ; k++) {
      const role = roles[k]!;
      switch (role) {
        case Role.Ts:
          this.tsOk = timestampAt(buf, p, end, t);
          break;
        case Role.Price:
          this.price = priceAt(buf, p, end, t);
          break;
        case Role.Size:
          this.size = sizeAt(buf, p, end, this.decimals, t);
          break;
        case Role.Side:
          this.side = sideAt(buf, p, end, t);
          break;
        case Role.SizeDecimals:
          this.sizeDecimals = sizeDecimalsAt(buf, p, end, t);
          break;
        default:
          t.q = skipField(buf, p, end);
      }
      q = t.q;
      let b = q < end ? buf[q]! : -1;
      if (b !== COMMA && b !== LF && !(b === CR && (q + 1 >= end || buf[q + 1] === LF))) {
        if (b >= 0) {
          // The token stopped short of the field's end: not a form the byte path reads.
          if (role === Role.Ts) this.tsOk = false;
          else if (role === Role.Price) this.price = Number.NaN;
          else if (role === Role.Size) this.size = -1;
          else if (role === Role.Side) this.side = -1;
          else if (role === Role.SizeDecimals) this.sizeDecimals = -2;
          q = skipField(buf, q, end);
          b = q < end ? buf[q]! : -1;
        }
        if (b === QUOTE) return TEXT_ROW;
      }
      if (role === Role.Action || role === Role.Symbol) {
        // The field as the text split gives it: up to the comma, or to the line end without its \r.
        const e = b !== COMMA && q > p && buf[q - 1] === CR ? q - 1 : q;
        if (role === Role.Action) this.isTrade = e - p === 1 && buf[p] === T;
        else {
          this.symbolStart = p;
          this.symbolEnd = e;
        }
      }
      if (b !== COMMA) {
        this.fields = k + 1;
        break; // the line ended (or the bytes did) before its last needed field
      }
      if (k === last) {
        q = skipLine(buf, q + 1, end);
        if (q < end && buf[q] === QUOTE) return TEXT_ROW;
        this.fields = k + 2 + skippedCommas;
        break;
      }
      p = q + 1;
    }
    if (q < end && buf[q] === CR) q++; // a token stopped at the \r of \r\n
    if (q >= end) {
      if (!atEnd) return INCOMPLETE; // the row, or its \r\n, goes on in the next chunk
      q = end; // the file's last line, without a line end
    }
    // An empty line (or a lone \r) is counted as a row but not read: the text path's rule.
    if (q === lineStart || (q === lineStart + 1 && buf[lineStart] === CR)) return TEXT_ROW;
    return q < end ? q + 1 : end;
  }
}

/** Roles of the columns up to the last one given (a column of -1 is absent); at least one column. */
export function rolesOf(columns: [column: number, role: number][]): Uint8Array {
  const roles = new Uint8Array(Math.max(0, ...columns.map(([c]) => c)) + 1);
  for (const [c, role] of columns) if (c >= 0) roles[c] = role;
  return roles;
}
