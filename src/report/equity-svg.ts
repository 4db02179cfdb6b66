import type { ReportTrade } from './report-input.js';

/**
 * The equity curve as a hand-written SVG: closed-trade equity (starting balance + cumulative net P&L, the curve
 * `maxDrawdown` is measured on) against the trade number, in exit order. Fixed size and number formats, no
 * fonts loaded, no time: the same trades give the same bytes.
 */

const WIDTH = 800;
const HEIGHT = 320;
const LEFT = 90;
const RIGHT = 20;
const TOP = 36;
const BOTTOM = 44;
const Y_TICKS = 5;

/** Text safe inside an XML element or a double-quoted attribute. */
export function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Coordinates with two decimals: enough for a screen, and stable text. */
const c = (x: number): string => x.toFixed(2);

/** Dollars for an axis label: whole dollars with thousands separators. */
function dollars(x: number): string {
  const a = Math.round(Math.abs(x)).toLocaleString('en-US');
  return x < 0 ? `-$${a}` : `$${a}`;
}

/** The SVG document of the equity curve of `trades` (exit order) from `balance`; `title` heads it. */
export function equitySvg(trades: readonly ReportTrade[], balance: number, title: string): string {
  const equity = [balance];
  for (const t of trades) equity.push(equity[equity.length - 1]! + t.pnlUsd);
  // A loop, not Math.min(...equity): a spread of a long journal's trades would overflow the call stack.
  let lo = balance;
  let hi = balance;
  for (const v of equity) (lo = v < lo ? v : lo, hi = v > hi ? v : hi);
  if (hi - lo < 1) (lo -= 1, hi += 1);
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const n = Math.max(1, trades.length);
  const x = (i: number): number => LEFT + (i / n) * plotW;
  const y = (v: number): number => TOP + ((hi - v) / (hi - lo)) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${xmlText(title)}</title>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="22" font-size="14" font-weight="bold">${xmlText(title)}</text>`,
  ];
  for (let k = 0; k <= Y_TICKS; k++) {
    const v = lo + ((hi - lo) * k) / Y_TICKS;
    out.push(`<line x1="${LEFT}" y1="${c(y(v))}" x2="${WIDTH - RIGHT}" y2="${c(y(v))}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${LEFT - 6}" y="${c(y(v) + 4)}" text-anchor="end">${xmlText(dollars(v))}</text>`);
  }
  out.push(`<line x1="${LEFT}" y1="${c(y(balance))}" x2="${WIDTH - RIGHT}" y2="${c(y(balance))}" stroke="#888888" stroke-dasharray="4 4"/>`);
  out.push(`<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${HEIGHT - BOTTOM}" stroke="#444444"/>`);
  out.push(`<line x1="${LEFT}" y1="${HEIGHT - BOTTOM}" x2="${WIDTH - RIGHT}" y2="${HEIGHT - BOTTOM}" stroke="#444444"/>`);
  out.push(`<text x="${LEFT}" y="${HEIGHT - BOTTOM + 16}" text-anchor="middle">0</text>`);
  out.push(`<text x="${WIDTH - RIGHT}" y="${HEIGHT - BOTTOM + 16}" text-anchor="end">${trades.length}</text>`);
  out.push(`<text x="${LEFT + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle">closed trades (exit order)</text>`);
  if (trades.length === 0) {
    out.push(`<text x="${LEFT + plotW / 2}" y="${TOP + plotH / 2}" text-anchor="middle" fill="#888888">no trades in this period</text>`);
  } else {
    const points = equity.map((v, i) => `${c(x(i))},${c(y(v))}`).join(' ');
    out.push(`<polyline points="${points}" fill="none" stroke="#1f6feb" stroke-width="2"/>`);
    for (let i = 1; i < equity.length; i++) {
      const colour = trades[i - 1]!.pnlUsd > 0 ? '#1a7f37' : trades[i - 1]!.pnlUsd < 0 ? '#cf222e' : '#888888';
      out.push(`<circle cx="${c(x(i))}" cy="${c(y(equity[i]!))}" r="3" fill="${colour}"/>`);
    }
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
