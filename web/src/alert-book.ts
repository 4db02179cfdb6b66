import type { AlertMessage } from '../../src/protocol/messages.js';

/** An active alert as the page keeps it: what the `alert` topic and `/health`'s `alerts.active` both carry. */
export type ActiveAlert = Omit<AlertMessage, 'type' | 'topic' | 'publishedUs'>;

/**
 * Rules the banner leaves out: it already shows the selection's Stale, Gap and Disconnected flags as the latest
 * snapshot has them, live, where the alert waits for its hold-down before it resolves.
 */
const FLAG_RULES = new Set(['feedStale', 'feedGap', 'feedDisconnected']);

const RANK = { critical: 0, warning: 1, info: 2 } as const;

interface Kept {
  alert: ActiveAlert;
  /** Page clock when the stream brought it (0: from /health). */
  receivedMs: number;
}

/**
 * The engine's active alerts, by key: the `alert` topic adds and removes them as they happen, each `/health` answer
 * (polled) restores the full list, so a page opened after an alert was raised shows it too.
 */
export class AlertBook {
  private readonly byKey = new Map<string, Kept>();
  /** The episode (key and start) of each alert the stream resolved: a /health answer older than it may still list it. */
  private readonly resolved = new Map<string, number>();

  /** An event of the `alert` topic, received at `nowMs` (page clock). */
  apply(m: ActiveAlert, nowMs: number): void {
    if (m.state === 'resolved') {
      this.byKey.delete(m.key);
      this.resolved.set(m.key, m.sinceMs);
      return;
    }
    this.resolved.delete(m.key);
    this.byKey.set(m.key, { alert: m, receivedMs: nowMs });
  }

  /**
   * The active list of a `/health` answer requested at `sentMs` (page clock): it replaces what the page had, except
   * alerts the stream brought after the request and episodes the stream saw resolved.
   */
  replace(active: readonly ActiveAlert[], sentMs: number): void {
    const fresh = [...this.byKey.values()].filter((k) => k.receivedMs >= sentMs);
    this.byKey.clear();
    for (const a of active) if (this.resolved.get(a.key) !== a.sinceMs) this.byKey.set(a.key, { alert: a, receivedMs: 0 });
    for (const k of fresh) this.byKey.set(k.alert.key, k);
  }

  /** Every active alert, most severe first, then oldest first. */
  list(): ActiveAlert[] {
    return [...this.byKey.values()].map((k) => k.alert)
      .sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.sinceMs - b.sinceMs || (a.key < b.key ? -1 : 1));
  }

  /** The alerts the banner shows: all but the feed flags' (the banner shows those flags itself). */
  bannerAlerts(): ActiveAlert[] {
    return this.list().filter((a) => !FLAG_RULES.has(a.rule));
  }
}
