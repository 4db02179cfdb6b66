import type { CandlestickData } from 'lightweight-charts';
import type { Dashboard } from './dashboard.js';
import type { TradingScreen } from './screen.js';

/** The contract the browser tests (test/web/) and the benchmark read the page through: keep it exactly. */
export interface MiaTestApi {
  ready(): boolean;
  selection(): { symbol: string; timeframe: string };
  select(symbol: string, timeframe: string): Promise<void>;
  candles(): { time: number; open: number; high: number; low: number; close: number }[];
  volumes(): { time: number; value: number }[];
  deltas(): { time: number; value: number }[];
  sessionLevels(): { poc: number; vah: number; val: number; vwap: number } | null;
  footprint(time: number): { price: number; bid: number; ask: number }[] | undefined;
  banner(): string[];
  /** Keys of the alerts the banner shows, and every active alert the page holds. */
  bannerAlerts(): string[];
  alerts(): { key: string; rule: string; severity: string; message: string }[];
  decisions(): unknown[];
  risk(): unknown | null;
  stats(): { snapshots: number; renders: number; renderMs: number[] };
}

declare global {
  interface Window {
    __mia: MiaTestApi;
  }
}

/** Builds `window.__mia` over the page's state and views (copies out: callers cannot disturb the charts). */
export function testApi(d: Dashboard, screen: TradingScreen, select: (symbol: string, timeframe: string) => Promise<void>): MiaTestApi {
  const histogram = (data: readonly { time: unknown; value?: number }[]): { time: number; value: number }[] =>
    data.filter((p) => p.value !== undefined).map((p) => ({ time: p.time as number, value: p.value! }));
  return {
    ready: () => d.ready(),
    selection: () => ({ ...d.selection }),
    select,
    candles: () => screen.price.candles.data()
      .filter((c): c is CandlestickData => 'open' in c)
      .map((c) => ({ time: c.time as number, open: c.open, high: c.high, low: c.low, close: c.close })),
    volumes: () => histogram(screen.price.volume.data()),
    deltas: () => histogram(screen.price.delta.data()),
    sessionLevels: () => (d.shownLevels ? { poc: d.shownLevels.poc, vah: d.shownLevels.vah, val: d.shownLevels.val, vwap: d.shownLevels.vwap } : null),
    footprint: (time) => screen.footprint.rows(time),
    banner: () => [...d.shownFlags],
    bannerAlerts: () => [...d.shownAlerts],
    alerts: () => d.alerts.list().map((a) => ({ key: a.key, rule: a.rule, severity: a.severity, message: a.message })),
    decisions: () => d.decisions.latestFirst(),
    risk: () => d.risk,
    stats: () => ({ snapshots: d.page.snapshots, renders: d.stats.renders, renderMs: d.stats.samples() }),
  };
}
