import { describe, expect, test } from 'vitest';
import type { Observation } from './alert-conditions.js';
import { DEFAULT_ALERT_SETTINGS, type AlertRules, type RuleTiming } from './alert-rules.js';
import { AlertTracker } from './alert-tracker.js';

/** The default rules with `feedStale` and `latency` timed as given. */
function rules(stale: Partial<RuleTiming>, latency: Partial<RuleTiming> = {}): AlertRules {
  const d = DEFAULT_ALERT_SETTINGS.rules;
  return { ...d, feedStale: { ...d.feedStale, ...stale }, latency: { ...d.latency, ...latency } };
}

const stale = (holds: boolean): Observation => ({
  key: 'feedStale:ES', rule: 'feedStale', symbol: 'ES', holds, value: null, threshold: null, message: holds ? 'ES: Stale' : 'ES: Stale cleared',
});

/** Steps the tracker once a second from `fromS` through `toS` (inclusive) with the same observation; the events' times and states. */
function run(t: AlertTracker, o: Observation, fromS: number, toS: number): string[] {
  const out: string[] = [];
  for (let s = fromS; s <= toS; s++) for (const e of t.step([o], s * 1000)) out.push(`${s}:${e.state}#${e.count}`);
  return out;
}

describe('AlertTracker', () => {
  test('a condition holding raises one alert, repeats it at the rate limit and resolves it after the hold-down', () => {
    const t = new AlertTracker(rules({ forMs: 0, repeatMs: 60_000, clearMs: 10_000 }));
    // Held from 0 s to 150 s: raised at 0, repeated at 60 and 120, never more often.
    expect(run(t, stale(true), 0, 150)).toEqual(['0:raised#1', '60:repeated#2', '120:repeated#3']);
    // Clear from 151 s: resolved 10 s later, once.
    expect(run(t, stale(false), 151, 200)).toEqual(['161:resolved#4']);
    expect(t.counts).toEqual({ raised: 1, repeated: 2, resolved: 1 });
    expect(t.active()).toEqual([]);
  });

  test('a condition must hold for forMs before the alert is raised; one that clears sooner raises nothing', () => {
    const t = new AlertTracker(rules({ forMs: 5000 }));
    expect(run(t, stale(true), 0, 3)).toEqual([]);
    expect(run(t, stale(false), 4, 10)).toEqual([]);
    expect(run(t, stale(true), 11, 20)).toEqual(['16:raised#1']);
    const [e] = t.active();
    expect(e).toMatchObject({ key: 'feedStale:ES', severity: 'warning', sinceMs: 11_000, atMs: 16_000, count: 1, state: 'raised' });
  });

  test('a condition flapping within the hold-down stays one alert: no second raise, no resolve', () => {
    const t = new AlertTracker(rules({ forMs: 0, repeatMs: 300_000, clearMs: 30_000 }));
    const events: string[] = [];
    // Holds for 5 s, clears for 5 s, for ten minutes.
    for (let s = 0; s < 600; s++) {
      const holds = Math.floor(s / 5) % 2 === 0;
      for (const e of t.step([stale(holds)], s * 1000)) events.push(`${s}:${e.state}`);
    }
    expect(events).toEqual(['0:raised', '300:repeated']);
    expect(t.active()).toHaveLength(1);
  });

  test('an alert no longer observed (its input gone) resolves after the hold-down, saying so', () => {
    const t = new AlertTracker(rules({ forMs: 0, clearMs: 2000 }));
    t.step([stale(true)], 0);
    expect(t.step([], 1000)).toEqual([]);
    const [e] = t.step([], 3000);
    expect(e).toMatchObject({ state: 'resolved', key: 'feedStale:ES', message: 'ES: Stale (no longer observed)', sinceMs: 0, atMs: 3000 });
  });

  test('each key has its own life; the severity is the rule\'s', () => {
    const t = new AlertTracker(rules({ forMs: 0, clearMs: 0 }, { forMs: 0, clearMs: 0 }));
    const lat: Observation = { key: 'latency', rule: 'latency', symbol: null, holds: true, value: 80, threshold: 50, message: 'p99 80 ms' };
    const first = t.step([stale(true), lat], 0);
    expect(first.map((e) => [e.key, e.severity, e.state])).toEqual([['feedStale:ES', 'warning', 'raised'], ['latency', 'warning', 'raised']]);
    const second = t.step([stale(false), lat], 1000);
    expect(second.map((e) => [e.key, e.state, e.message])).toEqual([['feedStale:ES', 'resolved', 'ES: Stale cleared']]);
    expect(t.active().map((e) => e.key)).toEqual(['latency']);
  });
});
