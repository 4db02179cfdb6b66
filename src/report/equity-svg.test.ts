// The equity curve is well-formed XML (XML 1.0's well-formedness constraints for what an SVG of ours can hold:
// one root, nested and closed elements, quoted unique attributes, only the five predefined entities) and the
// same trades give the same bytes.
import { describe, expect, test } from 'vitest';
import { equitySvg, xmlText } from './equity-svg.js';
import type { ReportTrade } from './report-input.js';

/** Problems of an XML document without DTD, processing instructions or CDATA; [] when it is well-formed. */
function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_:][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|<!--[\s\S]*?-->|<|&(?:[a-z]+|#\d+|#x[0-9a-fA-F]+);|&/g;
  let last = 0;
  for (const m of xml.matchAll(token)) {
    const between = xml.slice(last, m.index);
    if (between.trim() !== '' && stack.length === 0) problems.push(`text outside the root: ${JSON.stringify(between.trim().slice(0, 20))}`);
    last = m.index + m[0].length;
    const t = m[0];
    if (t === '<') problems.push(`a bare "<" at ${m.index}`);
    else if (t === '&') problems.push(`a bare "&" at ${m.index}`);
    else if (t.startsWith('&')) {
      if (!['&amp;', '&lt;', '&gt;', '&quot;', '&apos;'].includes(t) && !t.startsWith('&#')) problems.push(`an undefined entity ${t}`);
    } else if (t.startsWith('<!--')) continue;
    else {
      const [, close, name, attrs, selfClose] = m;
      const names = [...attrs!.matchAll(/([A-Za-z_:][\w:.-]*)\s*=/g)].map((a) => a[1]);
      if (new Set(names).size !== names.length) problems.push(`a repeated attribute in <${name}>`);
      for (const v of attrs!.matchAll(/=\s*"([^"]*)"/g)) if (/&(?!(?:amp|lt|gt|quot|apos|#\d+);)/.test(v[1]!)) problems.push(`a bare "&" in an attribute of <${name}>`);
      if (close) {
        if (stack.pop() !== name) problems.push(`</${name}> does not close the open element`);
      } else if (!selfClose) {
        if (stack.length === 0 && ++roots > 1) problems.push('more than one root');
        stack.push(name!);
      } else if (stack.length === 0 && ++roots > 1) problems.push('more than one root');
    }
  }
  if (xml.slice(last).trim() !== '') problems.push('text after the root');
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' ')}`);
  if (roots === 0) problems.push('no root element');
  return problems;
}

function trade(id: number, pnl: number): ReportTrade {
  const t = 1_781_700_000_000_000_000n + BigInt(id) * 600_000_000_000n;
  return {
    sessionId: 1, tradeId: id, symbol: 'ES', side: 'long', qty: 1, entryNs: t, entryPrice: 5000, exitNs: t + 60_000_000_000n, exitPrice: 5000,
    exitReason: 'close', pnlUsd: pnl, stopPrice: 4998, targetPrice: 5004, tickSize: 0.25, score: 0.5, confidence: 0.8, mlMean: null,
    confluenceScore: null, directions: { d1m: null, d5m: null, d15m: null, d1h: null, d4h: null },
    regime: { pTrendUp: null, pTrendDown: null, pRange: null, pVolLow: null, pVolNormal: null, pVolHigh: null },
  };
}

describe('the well-formedness check itself', () => {
  test.each(['<a><b></a></b>', '<a>x & y</a>', '<a x="1" x="2"/>', '<a/><b/>', '<a>', 'text', '<a>&nbsp;</a>', '<a x=1/>'])('refuses %j', (bad) => {
    expect(xmlProblems(bad)).not.toEqual([]);
  });
  test('accepts a nested document with entities and comments', () => {
    expect(xmlProblems('<a x="1 &amp; 2"><!-- c --><b/><c>&lt;&#65;</c></a>\n')).toEqual([]);
  });
});

describe('equitySvg', () => {
  const trades = [trade(1, 250), trade(2, -125.5), trade(3, -300), trade(4, 612.25), trade(5, 0)];

  test('is well-formed, one point per trade plus the start, and deterministic', () => {
    const a = equitySvg(trades, 25_000, 'Equity, week 2026-W25 <ES & NQ>');
    expect(xmlProblems(a)).toEqual([]);
    expect(a.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(/points="([^"]*)"/.exec(a)![1]!.split(' ')).toHaveLength(trades.length + 1);
    expect(a.match(/<circle /g)).toHaveLength(trades.length);
    expect(a).toContain('Equity, week 2026-W25 &lt;ES &amp; NQ&gt;');
    expect(equitySvg([...trades], 25_000, 'Equity, week 2026-W25 <ES & NQ>')).toBe(a);
  });

  test('the curve ends at the final equity: the lowest point is the 24,824.50 trough', () => {
    const svg = equitySvg(trades, 25_000, 't');
    const ys = /points="([^"]*)"/.exec(svg)![1]!.split(' ').map((p) => Number(p.split(',')[1]));
    // SVG y grows downwards: the trough (after trade 3) is the largest y, the bottom of the plot.
    expect(Math.max(...ys)).toBe(ys[3]);
    expect(svg).toContain('$24,825');
  });

  test('without trades: still a well-formed SVG that says so', () => {
    const svg = equitySvg([], 25_000, 'Equity, trade date 2026-06-16');
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('no trades in this period');
    expect(svg).not.toContain('<polyline');
  });

  test('xmlText escapes what would break an element or an attribute', () => {
    expect(xmlText('a<b>&"c"')).toBe('a&lt;b&gt;&amp;&quot;c&quot;');
  });
});
