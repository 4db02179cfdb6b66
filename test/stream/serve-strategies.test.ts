// `mia serve --strategies` on a replay of the real ES trades (Databento, through MIA_DATA_DIR): every decision
// on signal.ESH4 names its strategy, the rule that decided and the Battle Navale direction before the rules,
// in binary and JSON alike. The file is the Globex open of 25 December 2023 (18:00–19:00 New York), so the
// window is the Globex day.
import { afterEach, describe, expect, test } from 'vitest';
import type { DecisionMessage } from '../../src/protocol/messages.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { connect, serve, until, type Served } from './serve-harness.js';

const file = dataFile('cme-esh4-mbo/esh4_20231225_trades.csv');
const running: Served[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) {
    if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await s.exited;
  }
});

const decisions = (c: { messages: unknown[] }): DecisionMessage[] => c.messages.filter((m): m is DecisionMessage => (m as DecisionMessage).type === 'signal');

describe.skipIf(!HAVE_DATA)('mia serve --strategies on the ESH4 trades (Databento)', () => {
  test('every decision on signal.ESH4 carries its strategy; none while the regimes warm up; binary and JSON agree', async () => {
    const s = await serve(['--source', 'replay', '--input', file, '--symbols', 'ESH4', '--speed', 'max', '--wait-subscribers', '2',
      '--journal', 'off', '--strategies', 'all', '--trading-hours', '18:00-17:00', '--long-threshold', '0.1', '--short-threshold', '-0.1',
      '--min-confidence', '0.5']);
    running.push(s);
    const bin = await connect(s.port, 'binary', ['signal.ESH4', 'status']);
    const json = await connect(s.port, 'json', ['signal.ESH4', 'status']);
    await until(() => bin.messages.some((m) => m.type === 'status' && m.sourceState === 'finished'));
    s.proc.kill('SIGTERM');
    await Promise.all([bin.closed, json.closed]);
    expect(await s.exited).toBe(0);

    expect(json.messages).toEqual(bin.messages);
    const ds = decisions(bin);
    expect(ds.length).toBeGreaterThan(50);
    const ids = new Set<string>();
    for (const d of ds) {
      const st = d.strategy!;
      expect(st, `decision ${d.sequence}`).toBeDefined();
      ids.add(st.id);
      // The selector has nothing to pick from until the market regime is known (docs/signals.md).
      expect(st.id === 'none').toBe(d.regime.market === null);
      expect(['none', 'trend', 'range', 'defensive']).toContain(st.id);
      expect(st.reason.startsWith(st.id === 'none' ? 'regime-' : `${st.id}-`)).toBe(true);
      if (st.id === 'none') expect(d.direction).toBe('flat');
      // Trend and defensive only ever trade the signal's own side; a flat strategy verdict leaves no risk evaluation.
      if ((st.id === 'trend' || st.id === 'defensive') && d.direction !== 'flat') expect(d.direction).toBe(st.signalDirection);
      if (d.direction === 'flat') expect(d.risk.evaluated).toBe(false);
    }
    expect(ids.has('none')).toBe(true);
    expect([...ids].some((id) => id !== 'none')).toBe(true);
  }, 60_000);
});
