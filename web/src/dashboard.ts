import type { DecisionMessage, FeatureFrameJson, RiskMessage, SnapshotMessage, StatusMessage, StreamMessage } from '../../src/protocol/messages.js';
import { AlertBook } from './alert-book.js';
import { BarBook, toBarPoint, type BarPoint } from './bar-book.js';
import { BAR_CAPACITY, BAR_SLACK, DECISION_CAPACITY, HEALTH_POLL_MS, PROFILE_TIMEFRAME, RENDER_SAMPLES } from './config.js';
import { DecisionRing } from './decision-list.js';
import type { HealthJson, PageState } from './health-view.js';
import { fetchBars, fetchHealth, fetchSnapshot, type BarsResponse } from './http-api.js';
import type { SessionLevels } from './price-view.js';
import { RenderStats } from './render-stats.js';
import { SessionProfile } from './session-profile.js';
import type { StreamConnection } from './stream-connection.js';

/** The symbol and timeframe the views show. */
export interface Selection {
  symbol: string;
  timeframe: string;
}

/** History answered for one load: applied at the next render. */
interface LoadedHistory {
  load: number;
  bars: BarsResponse;
  profile: BarsResponse;
  snapshot: SnapshotMessage | null;
}

/** What the render step draws into: the views, behind one port so the state can be tested without a DOM. */
export interface Screen {
  /** Everything of the selection changes: charts cleared until the history is plotted. */
  cleared(): void;
  render(d: Dashboard, snapshotChanged: boolean, history: boolean): void;
}

const topicsOf = (s: Selection): string[] => [
  `snapshot.${s.symbol}`, `signal.${s.symbol}`, `bar.${s.symbol}.${s.timeframe}`,
  ...(s.timeframe === PROFILE_TIMEFRAME ? [] : [`bar.${s.symbol}.${PROFILE_TIMEFRAME}`]),
];
const ALWAYS = ['risk', 'status', 'alert'];

/**
 * The page's state: the selection, its bars (history merged with the stream), the session profile, the latest
 * snapshot, decisions, risk, status, active alerts and /health. Messages only store and mark what changed; one render per
 * animation frame (the Screen) draws it, so ten snapshots a second per symbol cost one render each frame at most.
 * Loading a selection subscribes first, waits for the server's acknowledgement, then asks GET /bars (and the
 * latest snapshot, so a finished replay still shows), so no bar falls between history and stream.
 */
export class Dashboard {
  readonly book = new BarBook(BAR_CAPACITY, BAR_SLACK);
  readonly profile = new SessionProfile();
  readonly decisions = new DecisionRing(DECISION_CAPACITY);
  readonly stats = new RenderStats(RENDER_SAMPLES);
  readonly alerts = new AlertBook();
  selection: Selection;
  snapshot: SnapshotMessage | null = null;
  risk: RiskMessage | null = null;
  status: StatusMessage | null = null;
  health: HealthJson | null = null;
  /** The session levels on screen (set by the render), and the flags of the banner. */
  shownLevels: SessionLevels | null = null;
  shownFlags: string[] = [];
  /** Keys of the alerts the banner shows (set by the render). */
  shownAlerts: string[] = [];
  readonly page: PageState = { connected: false, retryMs: undefined, opens: 0, decodeErrors: 0, problem: '', snapshots: 0, healthError: '' };
  private readonly conn: StreamConnection;
  private screen: Screen | null = null;
  private pendingBars: BarPoint[] = [];
  private pendingProfile: BarPoint[] = [];
  private history: LoadedHistory | null = null;
  private snapshotDirty = false;
  private snapshotRendered = false;
  private loadSeq = 0;
  private frameRequested = false;
  private waiters: { resolve(): void; reject(e: Error): void }[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last status was final: the server is shutting down. */
  private serverClosing = false;

  constructor(conn: StreamConnection, selection: Selection) {
    this.conn = conn;
    this.selection = selection;
  }

  /** Starts: the screen to draw on, the first load, /health polling. */
  start(screen: Screen): void {
    this.screen = screen;
    void this.conn.subscribe(ALWAYS);
    this.load();
    void this.pollHealth();
    setInterval(() => {
      // Not while the stream is down or the server said it is closing: a dying mia serve keeps answering HTTP on
      // a kept-alive connection and does not exit while requests keep it busy.
      if (this.page.connected && !this.serverClosing) void this.pollHealth();
    }, HEALTH_POLL_MS);
  }

  /** Connected, the selection's history plotted and a snapshot of it rendered. */
  ready(): boolean {
    return this.conn.open && this.book.loaded && this.profile.loaded && this.snapshotRendered;
  }

  /**
   * Switches symbol and timeframe; resolves when ready again, rejects when the engine does not publish the
   * selection's topics (a replay of ES only has no NQ).
   */
  select(symbol: string, timeframe: string): Promise<void> {
    const same = symbol === this.selection.symbol && timeframe === this.selection.timeframe;
    if (!same) {
      const next = { symbol, timeframe };
      const keep = new Set(topicsOf(next));
      this.conn.unsubscribe(topicsOf(this.selection).filter((t) => !keep.has(t)));
      if (symbol !== this.selection.symbol) {
        this.decisions.clear();
        this.profile.clear();
      }
      this.selection = next;
      this.load();
    }
    return this.whenReady();
  }

  /** Resolves at the first render after which ready() holds. */
  whenReady(): Promise<void> {
    if (this.ready()) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** The stream opened or closed. */
  connection(open: boolean, retryMs?: number): void {
    this.page.connected = open;
    this.page.retryMs = retryMs;
    if (open) {
      this.serverClosing = false;
      this.page.opens++;
      // Bars may have closed while the stream was down: reload the selection.
      if (this.page.opens > 1) this.load();
    }
    this.requestRender();
  }

  /** A problem to show in the health view (a control error, an undecodable frame, a failed request). */
  problem(text: string): void {
    this.page.problem = text;
    this.requestRender();
  }

  /** A topic message: stored, drawn at the next frame. */
  message(m: StreamMessage): void {
    const s = this.selection;
    switch (m.type) {
      case 'snapshot':
        if (m.symbol !== s.symbol) return;
        this.page.snapshots++;
        this.snapshot = m;
        this.snapshotDirty = true;
        break;
      case 'bar': {
        if (m.symbol !== s.symbol) return;
        const p = toBarPoint(m.bar, true);
        if (m.bar.timeframe === s.timeframe) this.pendingBars.push(p);
        if (m.bar.timeframe === PROFILE_TIMEFRAME) this.pendingProfile.push(p);
        // A hidden tab renders nothing: past a chart's worth of queued bars, start over from GET /bars instead.
        if (this.pendingBars.length > BAR_CAPACITY || this.pendingProfile.length > BAR_CAPACITY) this.load();
        break;
      }
      case 'signal':
        if (m.symbol !== s.symbol) return;
        this.decisions.push(m as DecisionMessage);
        break;
      case 'risk':
        this.risk = m;
        break;
      case 'status':
        this.status = m;
        if (m.final) this.serverClosing = true;
        break;
      case 'alert':
        this.alerts.apply(m, Date.now());
        break;
    }
    this.requestRender();
  }

  /** The frame of the selected timeframe in the latest snapshot. */
  frame(): FeatureFrameJson | undefined {
    return this.snapshot?.frames.find((f) => f.timeframe === this.selection.timeframe);
  }

  /** Asks for one render at the next animation frame (many requests, one render). */
  requestRender(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.render();
    });
  }

  /** Bars and profile bars received since the last render, to be applied by it (taken, not copied). */
  takePending(): { bars: BarPoint[]; profile: BarPoint[] } {
    const out = { bars: this.pendingBars, profile: this.pendingProfile };
    this.pendingBars = [];
    this.pendingProfile = [];
    return out;
  }

  private render(): void {
    const screen = this.screen;
    if (!screen) return;
    const t0 = performance.now();
    const h = this.history;
    this.history = null;
    if (h && h.load === this.loadSeq) {
      this.book.loadHistory(h.bars.bars.map((b) => toBarPoint(b, true)));
      this.profile.loadHistory(h.profile.bars.map((b) => toBarPoint(b, true)));
      if (h.snapshot && h.snapshot.symbol === this.selection.symbol && (!this.snapshot || this.snapshot.sequence < h.snapshot.sequence)) {
        this.snapshot = h.snapshot;
        this.snapshotDirty = true;
      }
    }
    const loadedNow = h !== null && h.load === this.loadSeq;
    const snapshotChanged = this.snapshotDirty && this.book.loaded;
    if (snapshotChanged) this.snapshotDirty = false;
    screen.render(this, snapshotChanged, loadedNow);
    if (snapshotChanged && this.snapshot) this.snapshotRendered = true;
    this.stats.add(performance.now() - t0);
    if (this.ready() && this.waiters.length > 0) {
      const w = this.waiters;
      this.waiters = [];
      for (const x of w) x.resolve();
    }
  }

  /** (Re)loads the selection: subscribe, wait for the acknowledgement, then ask the history. */
  private load(): void {
    const seq = ++this.loadSeq;
    clearTimeout(this.retryTimer);
    this.book.clear();
    this.profile.clear();
    this.pendingBars = [];
    this.pendingProfile = [];
    this.history = null;
    this.snapshot = null;
    this.snapshotDirty = false;
    this.snapshotRendered = false;
    this.shownLevels = null;
    this.screen?.cleared();
    const { symbol, timeframe } = this.selection;
    void (async () => {
      const topics = topicsOf(this.selection);
      const acked = await this.conn.subscribe(topics);
      if (seq !== this.loadSeq) return;
      if (acked === 'refused') {
        const e = new Error(`the engine does not publish ${symbol} ${timeframe} (one of ${topics.join(', ')})`);
        this.problem(e.message);
        const w = this.waiters;
        this.waiters = [];
        for (const x of w) x.reject(e);
        return;
      }
      // The connection closed first: the next open reloads.
      if (acked === 'closed') return;
      try {
        const [bars, profile, snapshot] = await Promise.all([
          fetchBars(symbol, timeframe),
          timeframe === PROFILE_TIMEFRAME ? null : fetchBars(symbol, PROFILE_TIMEFRAME),
          fetchSnapshot(symbol),
        ]);
        if (seq !== this.loadSeq) return;
        this.history = { load: seq, bars, profile: profile ?? bars, snapshot };
        this.requestRender();
      } catch (e) {
        if (seq !== this.loadSeq) return;
        this.problem(e instanceof Error ? e.message : String(e));
        this.retryTimer = setTimeout(() => {
          if (seq === this.loadSeq && this.conn.open) this.load();
        }, 2000);
      }
    })();
  }

  private async pollHealth(): Promise<void> {
    try {
      const sentMs = Date.now();
      this.health = await fetchHealth();
      this.page.healthError = '';
      const active = this.health.alerts?.active;
      if (active) this.alerts.replace(active, sentMs);
      if (!this.risk && this.health.risk) this.risk = this.health.risk;
    } catch (e) {
      this.page.healthError = e instanceof Error ? e.message : String(e);
    }
    this.requestRender();
  }
}
