import type { DecisionMessage, SnapshotMessage } from '../../src/protocol/messages.js';
import { THRESHOLDS, TIMEFRAMES } from './config.js';
import { decisionReasons, sameOutcome, type DecisionRing } from './decision-list.js';
import { el, Gauge, setClass, setText } from './dom.js';
import { fixed, pct, signed } from './format.js';
import { clockTime } from './time-format.js';

/** The eight features (docs/signals.md) with their ranges. */
const FEATURES: readonly [key: string, label: string, min: number][] = [
  ['confluence_score', 'confluence', -1], ['momentum_flow', 'momentum', -1], ['trend_alignment', 'alignment', -1],
  ['volume_profile', 'vol. profile', -1], ['support_resistance', 'supp./res.', -1], ['market_regime_score', 'mkt regime', -1],
  ['volatility_regime', 'volatility', 0], ['time_factor', 'time factor', 0],
];
/** The smart-money components (docs/signals.md), each in [−1, 1], positive when buyers are in control. */
const SMART_MONEY: readonly [key: keyof DecisionMessage['smartMoney'], label: string][] = [
  ['score', 'score'], ['largeFlow', 'large trades'], ['stacked', 'stacked imb.'], ['absorption', 'absorption'], ['book', 'book'],
];
const LIST_ROWS = 24;

/** A stacked bar of probabilities (regimes) with its labels. */
class Split {
  readonly root: HTMLElement;
  private readonly parts: HTMLElement[];
  private readonly names: readonly string[];
  private readonly empty = el('span', 'split-empty', 'warm-up');

  constructor(title: string, names: readonly string[], classes: readonly string[]) {
    this.names = names;
    this.parts = classes.map((c) => el('div', `split-part ${c}`));
    this.root = el('div', 'split', '', el('span', 'gauge-name', title), el('div', 'split-track', '', this.empty, ...this.parts));
  }

  set(p: readonly number[] | null): void {
    this.empty.hidden = p !== null;
    this.parts.forEach((part, i) => {
      const v = p?.[i] ?? 0;
      part.hidden = !(v > 0);
      part.style.width = `${(v * 100).toFixed(1)}%`;
      setText(part, v >= 0.12 ? `${this.names[i]} ${pct(v)}` : '');
      part.title = `${this.names[i]} ${pct(p?.[i] ?? null)}`;
    });
  }
}

/**
 * Decisions (#view-decisions) of the selected symbol: the Battle Navale score and confidence against their
 * thresholds, the eight features, the market and volatility regime probabilities, the three ML scores and their
 * mean against 0.6, the risk verdict and expiry phase of the latest decision; the smart-money components; per
 * timeframe the signal direction the confluence weighs and the snapshot's order flow; and the latest decisions,
 * runs of the same outcome folded into one line.
 */
export class DecisionsView {
  private readonly head = el('div', 'decision-head');
  private readonly direction = el('span', 'chip flat', 'FLAT');
  private readonly score = new Gauge('score', -1, 1, [-THRESHOLDS.score, THRESHOLDS.score]);
  private readonly confidence = new Gauge('confidence', 0, 1, [THRESHOLDS.confidence]);
  private readonly features = FEATURES.map(([, label, min]) => new Gauge(label, min, 1));
  private readonly smart = SMART_MONEY.map(([, label]) => new Gauge(label, -1, 1));
  private readonly market = new Split('market', ['up', 'range', 'down'], ['pos', 'neutral', 'neg']);
  private readonly vol = new Split('volatility', ['low', 'normal', 'high'], ['cool', 'neutral', 'warn']);
  private readonly ml = ['lr', 'gbt', 'rf'].map((n) => new Gauge(`ML ${n}`, 0, 1, [THRESHOLDS.mlMean]));
  private readonly mlMean = new Gauge('ML mean', 0, 1, [THRESHOLDS.mlMean]);
  private readonly mlState = el('span', 'muted');
  private readonly verdict = el('div', 'verdict');
  private readonly expiry = el('div', 'muted');
  private readonly tfRows = new Map<string, HTMLElement[]>();
  private readonly listRows: HTMLElement[][] = [];
  private readonly listNote = el('div', 'muted');
  private lastDecision: DecisionMessage | null = null;
  private listVersion = -1;

  constructor(root: HTMLElement) {
    const tfTable = el('table', 'tf-table', '', el('tr', '', '', el('th', '', 'TF'), el('th', '', 'direction'), el('th', '', 'bar Δ'), el('th', '', 'last Δ'), el('th', '', 'stacked B/S')));
    for (const tf of TIMEFRAMES) {
      const cells = [el('td', '', tf), el('td'), el('td'), el('td'), el('td')];
      cells[1]!.dataset.direction = tf;
      this.tfRows.set(tf, cells);
      tfTable.append(el('tr', '', '', ...cells));
    }
    const list = el('table', 'decision-list');
    for (let i = 0; i < LIST_ROWS; i++) {
      const cells = [el('td', 'muted'), el('td'), el('td'), el('td', 'reason')];
      this.listRows.push(cells);
      list.append(el('tr', '', '', ...cells));
    }
    this.smart.forEach((g, i) => (g.root.dataset.smartMoney = SMART_MONEY[i]![0]));
    root.append(
      el('div', 'panel-head', '', el('h2', '', 'Decisions'), this.head, this.direction),
      el('div', 'decision-cols', '',
        el('div', 'col', '', this.score.root, this.confidence.root, el('h3', '', 'Features'), ...this.features.map((g) => g.root),
          el('h3', '', 'Smart money'), ...this.smart.map((g) => g.root)),
        el('div', 'col', '', el('h3', '', 'Regime'), this.market.root, this.vol.root, el('h3', '', '', el('span', '', 'ML filter '), this.mlState),
          ...this.ml.map((g) => g.root), this.mlMean.root, el('h3', '', 'By timeframe'), tfTable),
        el('div', 'col list-col', '', el('h3', '', 'Verdict'), this.verdict, this.expiry, el('h3', '', 'Latest decisions'), this.listNote, list)),
    );
  }

  /** Shows the latest decision and the list (only what changed since the last call). */
  render(ring: DecisionRing): void {
    const d = ring.at(0) ?? null;
    if (d !== this.lastDecision) {
      this.lastDecision = d;
      this.showDecision(d);
    }
    if (ring.version !== this.listVersion) {
      this.listVersion = ring.version;
      this.showList(ring);
    }
  }

  /** The order flow of each timeframe in the latest snapshot. */
  renderFrames(s: SnapshotMessage | null): void {
    for (const [tf, cells] of this.tfRows) {
      const f = s?.frames.find((x) => x.timeframe === tf);
      const bar = f?.bar;
      const last = f?.lastClosed;
      const tone = (v: unknown): string => (typeof v === 'number' && v > 0 ? 'pos' : typeof v === 'number' && v < 0 ? 'neg' : '');
      setText(cells[2]!, bar ? signed(bar.delta as number) : '–');
      setClass(cells[2]!, tone(bar?.delta));
      setText(cells[3]!, last ? signed(last.delta as number) : '–');
      setClass(cells[3]!, tone(last?.delta));
      setText(cells[4]!, last ? `${last.stackedBuy as number} / ${last.stackedSell as number}` : '–');
    }
  }

  private showDecision(d: DecisionMessage | null): void {
    if (!d) {
      setText(this.head, 'waiting for the first decision');
      setText(this.direction, '–');
      return;
    }
    setText(this.head, `${d.symbol} · ${clockTime(Date.parse(d.ts))} ET · snapshot ${d.sequence}`);
    setText(this.direction, d.direction.toUpperCase());
    setClass(this.direction, `chip ${d.direction}`);
    const strong = Math.abs(d.score) >= THRESHOLDS.score;
    this.score.set(d.score, strong ? (d.score > 0 ? 'pos' : 'neg') : 'neutral');
    this.confidence.set(d.confidence, d.confidence >= THRESHOLDS.confidence ? 'pos' : 'neutral');
    FEATURES.forEach(([key], i) => {
      const v = d.features[key] ?? null;
      this.features[i]!.set(v, v === null ? 'neutral' : key === 'volatility_regime' || key === 'time_factor' ? 'neutral' : v >= 0 ? 'pos' : 'neg', 'warm-up');
    });
    SMART_MONEY.forEach(([key], i) => {
      const v = d.smartMoney[key];
      this.smart[i]!.set(v, v === null || v === 0 ? 'neutral' : v > 0 ? 'pos' : 'neg', key === 'book' ? 'no quote' : 'warm-up');
    });
    for (const [tf, cells] of this.tfRows) {
      const v = d.directions[tf as keyof DecisionMessage['directions']] ?? null;
      setText(cells[1]!, v === null ? 'warm-up' : fixed(v));
      setClass(cells[1]!, v === null ? 'muted' : v > 0 ? 'pos' : v < 0 ? 'neg' : '');
    }
    const m = d.regime.market;
    const v = d.regime.volatility;
    this.market.set(m ? [m.trendUp, m.range, m.trendDown] : null);
    this.vol.set(v ? [v.low, v.normal, v.high] : null);
    this.ml.forEach((g, i) => {
      const s = d.ml.scores[i];
      g.set(s ?? null, s === undefined ? 'neutral' : s >= THRESHOLDS.mlMean ? 'pos' : 'warn', d.ml.state);
    });
    this.mlMean.set(d.ml.mean, d.ml.mean === null ? 'neutral' : d.ml.approved ? 'pos' : 'warn', d.ml.state);
    const r = decisionReasons(d);
    setText(this.mlState, d.ml.enabled ? `· ${r.ml} (mean against ${THRESHOLDS.mlMean})` : '· off (no --models)');
    setText(this.verdict, `${r.signal} · ${r.risk} · alert ${d.risk.alert}`);
    setText(this.expiry, `options expiry: ${d.expiry.phase}, size factor ${d.expiry.factor}, ${d.expiry.daysToExpiry} business days to go`);
  }

  private showList(ring: DecisionRing): void {
    let row = 0;
    let i = 0;
    while (row < LIST_ROWS && i < ring.size) {
      const first = ring.at(i)!;
      let n = 1;
      while (i + n < ring.size && sameOutcome(first, ring.at(i + n)!)) n++;
      const r = decisionReasons(first);
      const cells = this.listRows[row]!;
      setText(cells[0]!, clockTime(Date.parse(first.ts)));
      setText(cells[1]!, first.direction.toUpperCase());
      setClass(cells[1]!, `dir ${first.direction}`);
      setText(cells[2]!, n > 1 ? `×${n}` : first.score.toFixed(2));
      setText(cells[3]!, `${r.signal} · ${r.ml} · ${r.risk}`);
      cells[0]!.parentElement!.hidden = false;
      row++;
      i += n;
    }
    for (; row < LIST_ROWS; row++) this.listRows[row]![0]!.parentElement!.hidden = true;
    setText(this.listNote, `${ring.size} kept (newest first; a run of the same outcome is one line)`);
  }
}
