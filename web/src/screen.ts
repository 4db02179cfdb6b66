import type { SnapshotMessage } from '../../src/protocol/messages.js';
import { barTime, toBarPoint, type BookChange } from './bar-book.js';
import { PROFILE_TIMEFRAME } from './config.js';
import type { Dashboard, Screen } from './dashboard.js';
import { DecisionsView } from './decisions-view.js';
import { byId, setClass, setText } from './dom.js';
import { FootprintView } from './footprint-view.js';
import { count, pct, price } from './format.js';
import { HealthView, renderBanner } from './health-view.js';
import { PriceView, type SessionLevels } from './price-view.js';
import { RiskView } from './risk-view.js';
import { clockTime } from './time-format.js';

const RESET: BookChange = { kind: 'reset' };
/** The health view's numbers change about once a second: drawing them more often only costs. */
const HEALTH_EVERY_MS = 500;

/** The session levels of a snapshot frame, or null while the session has no volume yet. */
function levelsOf(s: SnapshotMessage, timeframe: string): SessionLevels | null {
  const f = s.frames.find((x) => x.timeframe === timeframe) ?? s.frames[0];
  const v = f?.session;
  if (!v || !(v.poc > 0) || !Number.isFinite(v.vah) || !Number.isFinite(v.val)) return null;
  return { poc: v.poc, vah: v.vah, val: v.val, hvn: v.hvn, lvn: v.lvn, vwap: v.vwap, vwapSigma: v.vwapSigma };
}

/**
 * The trading screen: the views of index.html, drawn from the Dashboard's state once per animation frame.
 * Charts get incremental updates (one point per series for the bar in progress, setData only for a new history
 * or a trim); panels rewrite only the text that changed.
 */
export class TradingScreen implements Screen {
  readonly price: PriceView;
  readonly footprint: FootprintView;
  private readonly decisions = new DecisionsView(byId('view-decisions'));
  private readonly risk = new RiskView(byId('view-risk'));
  private readonly health = new HealthView(byId('view-health'));
  private readonly banner = byId('health-banner');
  private readonly profileBox = byId('view-profile');
  private readonly profileLegend = byId('profile-legend');
  private readonly connectionBadge = byId('connection-badge');
  private readonly sourceBadge = byId('source-badge');
  private readonly quoteLine = byId('quote-line');
  private readonly symbolSelect = byId<HTMLSelectElement>('symbol-select');
  private published = '';
  /** Every symbol a status has named. */
  private readonly seen = new Set<string>();
  private healthAtMs = 0;
  private boxStyle = '';

  constructor(d: Dashboard) {
    this.price = new PriceView(byId('price-chart'), byId('price-legend'), d.book);
    this.footprint = new FootprintView(byId('footprint-chart'), byId('footprint-legend'), d.book);
    this.price.chart.subscribeCrosshairMove((p) => {
      if (!p.sourceEvent) return;
      const t = typeof p.time === 'number' ? p.time : null;
      const c = p.seriesData.get(this.price.candles) as { close?: number } | undefined;
      this.footprint.crosshair(t, c?.close ?? 0);
    });
    this.price.chart.subscribeClick((p) => {
      if (p.logical !== undefined) this.footprint.focus(p.logical);
    });
  }

  cleared(): void {
    this.price.apply(RESET);
    this.footprint.apply(RESET);
    this.price.setSession(null);
  }

  render(d: Dashboard, snapshotChanged: boolean, history: boolean): void {
    if (history) {
      if (d.snapshot) this.footprint.setTick(d.snapshot.tickSize);
      this.price.apply(RESET, true);
      this.footprint.apply(RESET, true);
    }
    const pending = d.takePending();
    for (const p of pending.bars) this.applyChange(d.book.addClosed(p));
    for (const p of pending.profile) d.profile.addClosed(p);
    if (snapshotChanged && d.snapshot) this.snapshot(d, d.snapshot);
    else if (pending.profile.length > 0 || history) this.price.profile.set(d.profile, d.snapshot?.tickSize ?? 0.25, d.shownLevels);
    this.decisions.render(d.decisions);
    this.risk.render(d.risk);
    const bannerAlerts = d.alerts.bannerAlerts();
    d.shownFlags = renderBanner(this.banner, d.snapshot?.quality ?? [], d.page, d.frame()?.session.inferredShare ?? 0, bannerAlerts);
    d.shownAlerts = bannerAlerts.map((a) => a.key);
    this.badges(d);
    const now = performance.now();
    if (now - this.healthAtMs >= HEALTH_EVERY_MS) {
      this.healthAtMs = now;
      this.health.render(d.status, d.health, d.snapshot?.quality ?? [], d.page, d.stats, d.alerts.list());
    }
    this.layoutProfileBox();
  }

  private applyChange(c: BookChange): void {
    this.price.apply(c);
    this.footprint.apply(c);
  }

  private snapshot(d: Dashboard, s: SnapshotMessage): void {
    const { timeframe } = d.selection;
    this.footprint.setTick(s.tickSize);
    this.price.setTick(s.tickSize);
    const f = s.frames.find((x) => x.timeframe === timeframe);
    if (f?.bar) {
      // The bar in progress, its session VWAP and σ from the snapshot's session fields.
      const p = toBarPoint(f.bar, false, f.footprint.length > 0 ? f.footprint : undefined);
      p.vwap = f.session.vwap;
      p.vwapSigma = f.session.vwapSigma;
      this.applyChange(d.book.setLive(p));
    }
    const levels = levelsOf(s, timeframe);
    d.shownLevels = levels;
    this.price.setSession(levels);
    const f1 = s.frames.find((x) => x.timeframe === PROFILE_TIMEFRAME);
    if (f1?.bar) d.profile.setLive(f1.footprint, barTime(f1.bar.ts));
    this.price.profile.set(d.profile, s.tickSize, levels);
    const v = f?.session ?? s.frames[0]?.session;
    setText(this.profileLegend, levels && v
      ? `Session profile · POC ${price(levels.poc)} · VA ${price(levels.val)}–${price(levels.vah)} (${pct(v.vaCoverage, 1)}) · ` +
        `HVN ${levels.hvn.length} (orange) · LVN ${levels.lvn.length} (cyan lines)`
      : 'Session profile · waiting for volume');
    this.decisions.renderFrames(s);
    const last = f?.bar ?? f?.lastClosed;
    const q = s.quote;
    setText(this.quoteLine, `${s.symbol} ${price(last ? (last.close as number) : null)}` +
      (q ? `  bid ${price(q.bid)} × ${count(q.bidSize)}  ask ${price(q.ask)} × ${count(q.askSize)}` : '') +
      `  · last trade ${clockTime(Date.parse(s.ts))} ET · ${count(s.tradesTotal)} trades`);
  }

  private badges(d: Dashboard): void {
    const p = d.page;
    setText(this.connectionBadge, p.connected ? (d.ready() ? 'live' : 'loading') : p.retryMs !== undefined ? `reconnecting in ${(p.retryMs / 1000).toFixed(1)} s` : 'connecting');
    setClass(this.connectionBadge, `badge ${p.connected ? (d.ready() ? 'ok' : 'warn') : 'bad'}`);
    const st = d.status ?? d.health?.status;
    // Symbols published so far (those with content in a status): the others cannot be chosen; one the selector does
    // not list yet (a replay's) is added. A union: behind a gateway each node's status names only its own symbols.
    const symbols = st?.contentHashes.map((h) => h.symbol).join(' ') ?? '';
    if (symbols !== '' && symbols !== this.published) {
      this.published = symbols;
      const before = this.seen.size;
      for (const sym of symbols.split(' ')) this.seen.add(sym);
      if (this.seen.size !== before) {
        const listed = new Set(Array.from(this.symbolSelect.options, (o) => o.value));
        for (const sym of this.seen) if (!listed.has(sym)) this.symbolSelect.add(new Option(sym, sym));
        for (const o of this.symbolSelect.options) o.disabled = !this.seen.has(o.value);
      }
    }
    const replay = d.snapshot?.quality.includes('Replay') ?? false;
    setText(this.sourceBadge, st ? `${st.source}${replay ? ' · replay' : ''} · ${st.sourceState}` : '');
  }

  /** Keeps #view-profile over the strip of the price pane where the profile is drawn (beside the price axis). */
  private layoutProfileBox(): void {
    const chart = this.price.chart;
    const pane = chart.panes()[0];
    if (!pane) return;
    const axis = chart.priceScale('right').width();
    const size = chart.paneSize(0);
    const width = Math.min(260, size.width * 0.2);
    const style = `right:${axis}px;width:${width.toFixed(0)}px;height:${pane.getHeight()}px`;
    if (style !== this.boxStyle) {
      this.boxStyle = style;
      this.profileBox.setAttribute('style', style);
    }
  }
}
