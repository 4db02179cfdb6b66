import { Side, type SideCode } from '../model/side.js';
import { msToNs } from '../model/time.js';

/**
 * Field parsers of the CSV trade reader. Each returns a value or `undefined` for "malformed", so the
 * reader turns every failure into one coded error that names the row.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Event time in ns from an integer (ns, ms or s by magnitude: ≥ 1e17 ns, ≥ 1e11 ms, else s), a decimal
 * number of seconds, or ISO-8601 (nanosecond fractions kept; no zone means UTC).
 */
export function parseTimestampNs(text: string): bigint | undefined {
  if (/^\d+$/.test(text)) {
    const v = BigInt(text);
    if (v >= 100_000_000_000_000_000n) return v;
    if (v >= 100_000_000_000n) return v * 1_000_000n;
    return v * 1_000_000_000n;
  }
  if (/^\d+\.\d+$/.test(text)) {
    const [s, f] = text.split('.') as [string, string];
    return BigInt(s) * 1_000_000_000n + BigInt(f.slice(0, 9).padEnd(9, '0'));
  }
  const m = ISO.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  if (!Number.isFinite(ms)) return undefined;
  let ns = msToNs(ms) + BigInt((m[7] ?? '').padEnd(9, '0'));
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1n : 1n;
    const digits = zone.slice(1).replace(':', '');
    const minutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    ns -= sign * minutes * 60_000_000_000n;
  }
  return ns;
}

/** Fractional digits of a plain decimal size (`0.00027625` → 8), or -1 when it is not a plain decimal. */
export function sizeDecimalsOf(text: string): number {
  if (!/^\d+(\.\d*)?$/.test(text)) return -1;
  const dot = text.indexOf('.');
  if (dot < 0) return 0;
  return text.replace(/0+$/, '').length - dot - 1;
}

/**
 * Exact raw size at `decimals` places: digit arithmetic, no float multiply, so 0.00027625 at 8 places is
 * 27625 exactly. Returns undefined when the text is not a plain decimal or has more places.
 */
export function parseRawSize(text: string, decimals: number): number | undefined {
  const d = sizeDecimalsOf(text);
  if (d < 0 || d > decimals) return undefined;
  const dot = text.indexOf('.');
  const int = dot < 0 ? text : text.slice(0, dot);
  const frac = dot < 0 ? '' : text.slice(dot + 1, dot + 1 + decimals);
  return Number(int || '0') * 10 ** decimals + Number(frac.padEnd(decimals, '0') || '0');
}

/** Aggressor side: B/buy/b → Buy; S/A/sell/s/a → Sell; N or empty → None; anything else undefined. */
export function parseSide(text: string): SideCode | undefined {
  switch (text.toLowerCase()) {
    case 'b':
    case 'buy':
      return Side.Buy;
    case 's':
    case 'a':
    case 'sell':
      return Side.Sell;
    case 'n':
    case '':
      return Side.None;
    default:
      return undefined;
  }
}

/** Splits one CSV line; quoted fields may hold commas and doubled quotes. Undefined on an unbalanced quote. */
export function splitCsvLine(line: string): string[] | undefined {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quoted) return undefined;
  out.push(cur);
  return out;
}
