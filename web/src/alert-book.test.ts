import { describe, expect, test } from 'vitest';
import { AlertBook, type ActiveAlert } from './alert-book.js';

function alert(over: Partial<ActiveAlert>): ActiveAlert {
  return {
    key: 'latency', rule: 'latency', symbol: null, severity: 'warning', state: 'raised', message: 'p99 high',
    value: 80, threshold: 50, sinceMs: 1000, atMs: 1000, count: 1, ...over,
  };
}

describe('AlertBook', () => {
  test('the stream adds, updates and removes alerts; the list is most severe first, then oldest', () => {
    const b = new AlertBook();
    b.apply(alert({ key: 'latency', sinceMs: 1000 }), 1);
    b.apply(alert({ key: 'drawdown', rule: 'drawdown', severity: 'warning', sinceMs: 500 }), 2);
    b.apply(alert({ key: 'riskHalted', rule: 'riskHalted', severity: 'critical', sinceMs: 3000 }), 3);
    expect(b.list().map((a) => a.key)).toEqual(['riskHalted', 'drawdown', 'latency']);
    b.apply(alert({ key: 'latency', state: 'repeated', count: 2, message: 'p99 higher' }), 4);
    expect(b.list().find((a) => a.key === 'latency')?.message).toBe('p99 higher');
    b.apply(alert({ key: 'latency', state: 'resolved', count: 3 }), 5);
    expect(b.list().map((a) => a.key)).toEqual(['riskHalted', 'drawdown']);
  });

  test('the banner leaves out the feed-flag rules (the banner shows those flags itself)', () => {
    const b = new AlertBook();
    b.apply(alert({ key: 'feedDisconnected:ES', rule: 'feedDisconnected', symbol: 'ES', severity: 'critical' }), 1);
    b.apply(alert({ key: 'feedStale:NQ', rule: 'feedStale', symbol: 'NQ' }), 1);
    b.apply(alert({ key: 'dataQuality:ES', rule: 'dataQuality', symbol: 'ES' }), 1);
    expect(b.bannerAlerts().map((a) => a.key)).toEqual(['dataQuality:ES']);
    expect(b.list()).toHaveLength(3);
  });

  test('a /health answer restores the list, keeps what the stream brought after the request, and skips episodes the stream resolved', () => {
    const b = new AlertBook();
    b.apply(alert({ key: 'old', sinceMs: 10 }), 100);
    b.apply(alert({ key: 'drawdown', rule: 'drawdown', sinceMs: 20 }), 100);
    b.apply(alert({ key: 'drawdown', rule: 'drawdown', sinceMs: 20, state: 'resolved' }), 150);
    b.apply(alert({ key: 'fresh', sinceMs: 30 }), 250);
    // Requested at 200: it lists latency (missed by this page) and the drawdown episode the stream saw resolved.
    b.replace([alert({ key: 'latency', sinceMs: 5 }), alert({ key: 'drawdown', rule: 'drawdown', sinceMs: 20 })], 200);
    expect(b.list().map((a) => a.key).sort()).toEqual(['fresh', 'latency']);
    // A new drawdown episode (another start) is listed.
    b.replace([alert({ key: 'drawdown', rule: 'drawdown', sinceMs: 40 })], 300);
    expect(b.list().map((a) => a.key)).toEqual(['drawdown']);
  });
});
