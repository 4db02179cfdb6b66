import type { RiskMessage, StatusMessage } from '../../src/protocol/messages.js';
import type { ActiveAlert } from './alert-book.js';
import { el, setClass, setText } from './dom.js';
import { count, pct, usAsMs } from './format.js';
import { DriftHeatmap, type DriftJson } from './drift-heatmap.js';
import type { RenderStats } from './render-stats.js';

/** Percentiles /health reports per stage, µs. */
export interface StageJson {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** The parts of `GET /health` the page reads (docs/stream.md "HTTP"). */
export interface HealthJson {
  status: StatusMessage;
  stages: Record<string, StageJson | undefined>;
  server?: { subscribers?: { binary: number; json: number } };
  decisions?: { latencyUs?: StageJson; filter?: { enabled: boolean; threshold?: number }; drift?: DriftJson };
  risk?: RiskMessage | null;
  /** Per symbol: the data-quality score in [0, 1] (docs/metrics.md), null before its first snapshot; absent from older servers. */
  symbols?: { symbol: string; dataQuality?: { score: number | null } }[];
  /** The alert rules (docs/alerts.md): absent from servers before them, `enabled: false` with `--alerts off`. */
  alerts?: {
    enabled: boolean;
    active?: ActiveAlert[];
    delivery?: { target: string; sent: number; failed: number; retried: number; dropped: number; queued: number }[];
  };
}

/** Flags the banner shows (Replay is the source's kind, shown as a badge, not a data-quality problem). */
export const BANNER_FLAGS = ['Gap', 'Stale', 'Disconnected', 'SidesInferred'] as const;

const EXPLAIN: Record<string, string> = {
  Gap: 'trades are missing (the source is backfilling): values may be incomplete',
  Stale: 'no trade for a while: the last values may be old',
  Disconnected: 'the market-data source lost its connection',
  SidesInferred: 'aggressor sides classified from quotes, not reported by the exchange',
};

/** What the page knows of its own state, for the health view. */
export interface PageState {
  connected: boolean;
  retryMs: number | undefined;
  opens: number;
  decodeErrors: number;
  problem: string;
  snapshots: number;
  healthError: string;
}

/**
 * The banner (#health-banner): the quality flags of the selection's latest snapshot, plus Disconnected while the
 * page has lost the stream itself, then the engine's active alerts (AlertBook.bannerAlerts); hidden when there is
 * none. Returns the flags shown (the alerts shown are in `data-alerts`).
 */
export function renderBanner(banner: HTMLElement, quality: readonly string[], page: PageState, inferredShare: number, alerts: readonly ActiveAlert[] = []): string[] {
  const flags: string[] = BANNER_FLAGS.filter((f) => quality.includes(f));
  const lines = flags.map((f) => `${f}: ${f === 'SidesInferred' ? `${EXPLAIN[f]} (${pct(inferredShare)} of volume)` : EXPLAIN[f]}`);
  if (!page.connected && page.opens > 0) {
    if (!flags.includes('Disconnected')) flags.push('Disconnected');
    lines.push(`Disconnected: the page lost the stream${page.retryMs === undefined ? '' : `, reconnecting in ${(page.retryMs / 1000).toFixed(1)} s`}`);
  }
  for (const a of alerts) lines.push(`Alert ${a.severity}: ${a.message}`);
  const text = lines.join('  ·  ');
  setText(banner, text);
  const none = flags.length === 0 && alerts.length === 0;
  if (banner.hidden !== none) banner.hidden = none;
  setClass(banner, alerts.some((a) => a.severity === 'critical') ? 'health-banner critical' : 'health-banner');
  const names = flags.join(' ');
  if (banner.dataset.flags !== names) banner.dataset.flags = names;
  const keys = alerts.map((a) => a.key).join(' ');
  if (banner.dataset.alerts !== keys) banner.dataset.alerts = keys;
  return flags;
}

/**
 * Health (#view-health): the engine's status (source, state, feed lag, counters) from the `status` topic, the
 * tick→published and decision latencies from `GET /health` (polled), the snapshot's quality flags, and the
 * page's own connection and render times.
 */
export class HealthView {
  private readonly rows = new Map<string, HTMLElement>();
  private readonly flags = el('div', 'flags');
  private readonly drift: DriftHeatmap;

  constructor(root: HTMLElement) {
    const table = el('table', 'kv');
    const row = (key: string, label: string): void => {
      const v = el('td');
      v.dataset.health = key;
      this.rows.set(key, v);
      table.append(el('tr', '', '', el('th', '', label), v));
    };
    row('source', 'source');
    row('lag', 'feed lag');
    row('quality', 'data quality (5 min)');
    row('published', 'tick → published p50 / p99');
    row('decision', 'snapshot → decision p50 / p99');
    row('subscribers', 'subscribers');
    row('conflated', 'frames conflated');
    row('slow', 'closed slow (4001)');
    row('errors', 'errors / control errors');
    row('page', 'this page');
    row('render', 'render p50 / p99 / max');
    row('alerts', 'active alerts');
    row('delivery', 'alert webhooks sent / failed / retried / dropped');
    row('problem', 'last problem');
    root.append(el('div', 'panel-head', '', el('h2', '', 'Health'), this.flags), table);
    this.drift = new DriftHeatmap(root);
  }

  /** Shows the latest status, /health answer, quality flags and page state. */
  render(status: StatusMessage | null, health: HealthJson | null, quality: readonly string[], page: PageState, stats: RenderStats, alerts: readonly ActiveAlert[]): void {
    const s = status ?? health?.status ?? null;
    const set = (k: string, text: string, cls = ''): void => {
      const td = this.rows.get(k)!;
      setText(td, text);
      setClass(td, cls);
    };
    if (s) {
      const known = page.connected ? '' : 'last known: ';
      set('source', `${known}${s.source} · ${s.sourceState} · ${s.sourceConnected ? 'connected' : 'not connected'}`, s.sourceConnected && page.connected ? '' : 'neg');
      set('lag', `${s.feedLagMs.toFixed(1)} ms`);
      set('subscribers', health?.server?.subscribers ? `${s.subscribers} (binary ${health.server.subscribers.binary}, JSON ${health.server.subscribers.json})` : String(s.subscribers));
      set('conflated', count(s.framesConflated), s.framesConflated > 0 ? 'warn' : '');
      set('slow', count(s.closedSlow), s.closedSlow > 0 ? 'warn' : '');
      set('errors', `${count(s.errors)} / ${count(s.controlErrors)}`, s.errors > 0 ? 'neg' : '');
    }
    const dq = (health?.symbols ?? []).filter((x) => x.dataQuality !== undefined);
    // Under 90 % is what the original system refused to trade on (and the dataQuality alert's default).
    set('quality', dq.length === 0 ? '–' : dq.map((x) => `${x.symbol} ${x.dataQuality!.score === null ? '–' : pct(x.dataQuality!.score, 1)}`).join(' · '),
      dq.some((x) => x.dataQuality!.score !== null && x.dataQuality!.score < 0.9) ? 'warn' : '');
    const pub = health?.stages.published;
    set('published', pub ? `${usAsMs(pub.p50)} / ${usAsMs(pub.p99)} (${count(pub.count)} snapshots)` : health ? '–' : `– ${page.healthError}`);
    const dec = health?.decisions?.latencyUs;
    set('decision', dec ? `${usAsMs(dec.p50)} / ${usAsMs(dec.p99)}` : '–');
    set('page', `${page.connected ? 'connected' : 'disconnected'} · ${page.opens} connection(s) · ${count(page.snapshots)} snapshots · ` +
      `${page.decodeErrors} undecodable`, page.connected ? '' : 'neg');
    const r = stats.summary();
    set('render', r ? `${r.p50.toFixed(2)} / ${r.p99.toFixed(2)} / ${r.max.toFixed(2)} ms over ${r.n}` : '–');
    set('alerts', health?.alerts?.enabled === false ? 'off (--alerts off)' : alerts.length === 0 ? 'none'
      : alerts.map((a) => `${a.severity} ${a.key}`).join(', '), alerts.some((a) => a.severity === 'critical') ? 'neg' : alerts.length > 0 ? 'warn' : '');
    const targets = health?.alerts?.delivery ?? [];
    set('delivery', targets.length === 0 ? 'no webhook set' : targets.map((t) => `${t.target} ${t.sent} / ${t.failed} / ${t.retried} / ${t.dropped}`
      + (t.queued > 0 ? ` (${t.queued} queued)` : '')).join(', '), targets.some((t) => t.failed + t.dropped > 0) ? 'warn' : '');
    set('problem', page.problem || 'none', page.problem ? 'warn' : '');
    this.drift.render(health?.decisions?.drift);
    setText(this.flags, quality.length > 0 ? quality.join(' · ') : 'no quality flag');
    setClass(this.flags, quality.some((q) => (BANNER_FLAGS as readonly string[]).includes(q)) ? 'flags warn' : 'flags');
  }
}
