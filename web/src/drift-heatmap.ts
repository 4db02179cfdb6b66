import { el, setClass, setText } from './dom.js';

/** `/health` → `decisions.drift` as the page reads it (docs/ml.md "Feature drift"); absent while drift is off. */
export interface DriftJson {
  features: string[];
  config?: { threshold: number };
  symbols: Record<string, { rows: number; psi: Record<string, number | null>; psiMax: number | null; flagged: boolean; correlation: (number | null)[][] }>;
}

/**
 * A correlation's cell colour: blue for +1, red for −1, white at 0, grey when undefined (a constant feature);
 * the alpha is |r|, so weak correlations fade out.
 */
export function heatColor(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return 'rgba(128, 128, 128, 0.25)';
  const a = Math.min(1, Math.abs(r)).toFixed(2);
  return r >= 0 ? `rgba(33, 102, 172, ${a})` : `rgba(178, 24, 43, ${a})`;
}

/** A short column label of a feature name: its words' initials (`confluence_score` → `cs`). */
export function shortName(name: string): string {
  return name.split('_').map((w) => w[0] ?? '').join('');
}

/**
 * The feature-drift panel of the health view: the first symbol's (by name) PSI per feature and the features'
 * correlation matrix over its window as a heatmap (a table whose cells are coloured by heatColor). Built once
 * the first answer with drift arrives; cells are rewritten only when their text changes.
 */
export class DriftHeatmap {
  private readonly root: HTMLElement;
  private readonly title = el('h3', '', 'Feature drift');
  private readonly note = el('div', 'flags', 'off (no models with training bins)');
  private table: HTMLTableElement | null = null;
  private cells: HTMLTableCellElement[][] = [];
  private psiCells: HTMLTableCellElement[] = [];
  /** The answer shown: the view renders every 500 ms, /health answers every few seconds. */
  private shown: DriftJson | undefined | null = null;

  constructor(parent: HTMLElement) {
    this.root = el('div', 'drift-heatmap', '', this.title, this.note);
    this.root.dataset.drift = 'off';
    parent.append(this.root);
  }

  /** Shows `drift` (the first symbol it lists); off when absent. */
  render(drift: DriftJson | undefined): void {
    if (drift === this.shown) return;
    this.shown = drift;
    const symbol = drift ? Object.keys(drift.symbols).sort()[0] : undefined;
    if (!drift || symbol === undefined) {
      setText(this.note, drift ? 'on, no decision yet' : 'off (no models with training bins)');
      if (this.table) this.table.hidden = true;
      this.root.dataset.drift = drift ? 'empty' : 'off';
      return;
    }
    const s = drift.symbols[symbol]!;
    const threshold = drift.config?.threshold ?? 0.25;
    if (!this.table) this.build(drift.features);
    this.table!.hidden = false;
    this.root.dataset.drift = s.flagged ? 'flagged' : 'ok';
    setText(this.note, `${symbol}: ${s.rows} decisions in the window, largest PSI ${s.psiMax === null ? '–' : s.psiMax.toFixed(3)}` +
      (s.flagged ? ` (at or above ${threshold}: drifted)` : ''));
    setClass(this.note, s.flagged ? 'flags warn' : 'flags');
    drift.features.forEach((f, i) => {
      const psi = s.psi[f] ?? null;
      setText(this.psiCells[i]!, psi === null ? '–' : psi.toFixed(2));
      setClass(this.psiCells[i]!, psi !== null && psi >= threshold ? 'warn' : '');
      for (let j = 0; j < drift.features.length; j++) {
        const r = s.correlation[i]?.[j] ?? null;
        const td = this.cells[i]![j]!;
        const text = r === null ? '' : r.toFixed(2);
        if (td.textContent !== text) {
          td.textContent = text;
          td.style.background = heatColor(r);
        }
      }
    });
  }

  private build(features: string[]): void {
    const table = el('table', 'heatmap');
    const head = el('tr', '', '', el('th', '', ''), el('th', '', 'PSI'));
    for (const f of features) {
      const th = el('th', '', shortName(f));
      th.title = f;
      head.append(th);
    }
    table.append(head);
    this.cells = features.map((f) => {
      const psi = el('td');
      this.psiCells.push(psi);
      const row = features.map(() => {
        const td = el('td');
        td.style.background = heatColor(null); // until a correlation is known (its text then changes)
        return td;
      });
      const th = el('th', '', shortName(f));
      th.title = f;
      table.append(el('tr', '', '', th, psi, ...row));
      return row;
    });
    this.table = table;
    this.root.append(table);
  }
}
