import { fixed } from './format.js';

/** Creates an element with a class and, optionally, text and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls = '', text = '', ...children: Node[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  for (const c of children) e.append(c);
  return e;
}

/** The element of `id`; throws when the page lacks it (index.html and the views must agree). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`index.html has no #${id}`);
  return e as T;
}

/** Sets text only when it changed: most renders change few cells, and unchanged DOM writes still cost layout. */
export function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** Sets a class list only when it changed. */
export function setClass(node: HTMLElement, cls: string): void {
  if (node.className !== cls) node.className = cls;
}

/**
 * A horizontal gauge over [min, max]: a filled bar from the zero point (or min) to the value, threshold ticks,
 * and a value label. `set(null)` shows it empty (warming up).
 */
export class Gauge {
  readonly root: HTMLElement;
  private readonly fill: HTMLElement;
  private readonly label: HTMLElement;
  private readonly min: number;
  private readonly max: number;
  private readonly origin: number;
  private readonly digits: number;
  private last: number | null | undefined = undefined;
  private tone = '';

  constructor(name: string, min: number, max: number, thresholds: readonly number[] = [], digits = 2) {
    this.min = min;
    this.max = max;
    this.origin = min < 0 && max > 0 ? 0 : min;
    this.digits = digits;
    const track = el('div', 'gauge-track');
    this.fill = el('div', 'gauge-fill');
    track.append(this.fill);
    if (this.origin !== min) {
      const zero = el('div', 'gauge-zero');
      zero.style.left = `${this.pct(0)}%`;
      track.append(zero);
    }
    for (const t of thresholds) {
      const tick = el('div', 'gauge-tick');
      tick.style.left = `${this.pct(t)}%`;
      tick.title = `threshold ${t}`;
      track.append(tick);
    }
    this.label = el('span', 'gauge-value', '–');
    this.root = el('div', 'gauge', '', el('span', 'gauge-name', name), track, this.label);
  }

  private pct(v: number): number {
    return ((Math.min(this.max, Math.max(this.min, v)) - this.min) / (this.max - this.min)) * 100;
  }

  /**
   * Shows `v`; `tone` colours the bar (pos, neg, warn or neutral). Null (not known: warming up, or no models)
   * empties the bar and shows `missing`.
   */
  set(v: number | null, tone: 'pos' | 'neg' | 'warn' | 'neutral' = v === null ? 'neutral' : v >= 0 ? 'pos' : 'neg', missing = '–'): void {
    if (v === this.last && tone === this.tone) return;
    this.last = v;
    this.tone = tone;
    if (v === null || !Number.isFinite(v)) {
      this.fill.style.width = '0';
      setText(this.label, missing);
      return;
    }
    const a = this.pct(Math.min(v, this.origin));
    const b = this.pct(Math.max(v, this.origin));
    this.fill.style.left = `${a}%`;
    this.fill.style.width = `${Math.max(0.5, b - a)}%`;
    setClass(this.fill, `gauge-fill ${tone}`);
    setText(this.label, fixed(v, this.digits));
  }
}
