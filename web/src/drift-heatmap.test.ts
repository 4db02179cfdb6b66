import { describe, expect, test } from 'vitest';
import { heatColor, shortName } from './drift-heatmap.js';

describe('drift heatmap', () => {
  test('colours: blue for positive, red for negative, alpha |r|, grey when undefined', () => {
    expect(heatColor(1)).toBe('rgba(33, 102, 172, 1.00)');
    expect(heatColor(-0.5)).toBe('rgba(178, 24, 43, 0.50)');
    expect(heatColor(0)).toBe('rgba(33, 102, 172, 0.00)');
    expect(heatColor(null)).toBe('rgba(128, 128, 128, 0.25)');
  });

  test('feature labels are the initials of their words', () => {
    expect(shortName('confluence_score')).toBe('cs');
    expect(shortName('market_regime_score')).toBe('mrs');
    expect(shortName('time_factor')).toBe('tf');
  });
});

/** The least of a DOM element the panel touches (no DOM library in the unit tests; the browser tests need chromium). */
class FakeElement {
  readonly children: FakeElement[] = [];
  readonly dataset: Record<string, string> = {};
  readonly style: Record<string, string> = {};
  textContent = '';
  className = '';
  hidden = false;
  title = '';
  readonly tagName: string;
  constructor(tagName: string) {
    this.tagName = tagName;
  }
  append(...c: FakeElement[]): void {
    this.children.push(...c);
  }
  /** Every descendant with this tag, in document order. */
  all(tag: string): FakeElement[] {
    return this.children.flatMap((c) => [...(c.tagName === tag ? [c] : []), ...c.all(tag)]);
  }
}

describe('DriftHeatmap', () => {
  test('off, then one symbol\'s PSI row and correlation cells coloured by heatColor', async () => {
    (globalThis as { document?: unknown }).document = { createElement: (tag: string) => new FakeElement(tag) };
    try {
      const { DriftHeatmap } = await import('./drift-heatmap.js');
      const root = new FakeElement('section');
      const h = new DriftHeatmap(root as unknown as HTMLElement);
      h.render(undefined);
      const panel = root.children[0]!;
      expect(panel.dataset.drift).toBe('off');
      h.render({
        features: ['a_b', 'c_d'], config: { threshold: 0.25 },
        symbols: { ESH4: { rows: 40, psi: { a_b: 0.5, c_d: null }, psiMax: 0.5, flagged: true, correlation: [[1, -0.5], [-0.5, null]] } },
      });
      expect(panel.dataset.drift).toBe('flagged');
      const rows = panel.all('tr');
      expect(rows.map((r) => r.children.map((c) => c.textContent))).toEqual([['', 'PSI', 'ab', 'cd'], ['ab', '0.50', '1.00', '-0.50'], ['cd', '–', '-0.50', '']]);
      expect(rows[1]!.children[1]!.className).toBe('warn');
      expect(rows[1]!.children[3]!.style.background).toBe(heatColor(-0.5));
      expect(rows[2]!.children[3]!.style.background).toBe(heatColor(null));
      expect(panel.children[1]!.textContent).toMatch(/ESH4: 40 decisions in the window, largest PSI 0\.500 \(at or above 0\.25: drifted\)/);
    } finally {
      delete (globalThis as { document?: unknown }).document;
    }
  });
});
