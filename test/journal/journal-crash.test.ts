// Durability: `mia serve --source replay --trading paper --journal J` killed with SIGKILL at random points, four
// times over, each time restarted on the same journal. Every risk state a client received before a kill is in the
// journal's risk_events, and the fills journaled account for it (position and realised P&L); each restart logs the
// session it found unclosed and records it in its own session row; the killed sessions are marked clean_stop false.
// While one engine holds the journal, another engine or a query on it is refused at start (MIA_ERR_JOURNAL_OPEN).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import type { RiskMessage } from '../../src/protocol/messages.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { connect, serve, type Served } from '../stream/serve-harness.js';
import { logLines, mia, rows } from './journal-harness.js';

const file = dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst');
const settings = ['--stop-ticks', '2', '--target-ticks', '3', '--long-threshold', '0.1', '--short-threshold', '-0.1', '--min-confidence', '0.5'];
const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A risk state as a comparable key: what the risk topic showed and risk_events holds. */
const key = (r: { balance: number; dailyPnl: number; alert: string; halted: boolean; positions: unknown }): string =>
  JSON.stringify([r.balance, r.dailyPnl, r.alert, r.halted, r.positions]);

describe.skipIf(!HAVE_DATA)('the journal across kill -9 of mia serve --trading paper (ESH4 replay)', () => {
  test('every fill reported on risk before each kill is in the journal; each restart reports the unclean stop', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mia-journal-crash-'));
    dirs.push(dir);
    const journal = join(dir, 'j.duckdb');
    const kills = 4;
    let reportedFills = 0;
    for (let i = 1; i <= kills + 1; i++) {
      // The hour at 900× is four seconds of replay: each kill lands somewhere in it (the last run starts and is stopped with SIGTERM).
      const s: Served = await serve(['--source', 'replay', '--input', file, '--speed', '900', '--trading', 'paper', '--wait-subscribers', '1',
        '--log-format', 'json', ...settings, '--journal', journal, '--journal-snapshot-ms', '300000']);
      const lines = logLines(s.stderr());
      const lost = lines.filter((l) => l.msg === 'Previous session stopped without closing the journal');
      if (i === 1) expect(lost).toEqual([]);
      else expect(lost.map((l) => l.previousSession)).toEqual([i - 1]);
      if (i === 1) {
        // DuckDB lets one process hold the file: a second engine, or a query, on a journal in use is refused at start.
        for (const args of [['serve', '--port', '0', '--source', 'replay', '--input', file, '--journal', journal], ['journal', 'query', '--journal', journal, 'SELECT 1']]) {
          const other = await mia(args);
          expect(other.code, other.stderr).toBe(1);
          expect(other.stderr).toMatch(/\(MIA_ERR_JOURNAL_OPEN\)/);
        }
      }
      if (i > kills) {
        // A graceful stop, even while waiting for a subscriber, closes the session cleanly.
        s.proc.kill('SIGTERM');
        expect(await s.exited).toBe(0);
        break;
      }
      const c = await connect(s.port, 'binary', ['risk']);
      if (i === 1) {
        const health = await (await fetch(`http://127.0.0.1:${s.port}/health`)).json() as { journal: Record<string, unknown> };
        expect(health.journal).toMatchObject({ state: 'open', path: journal, sessionId: 1, rowsDropped: 0, writeErrors: 0 });
      }
      let killAfterMs = 300 + Math.random() * 3500;
      if (i === kills && reportedFills === 0) {
        // The kills must fall while trading at least once: when the random ones all came before the first fill (a
        // busy machine replays slower), the last one waits for a fill on the risk topic, then a random moment more.
        const fillSeen = (): boolean => new Set(c.messages.filter((m) => m.type === 'risk').map((m) => `${(m as RiskMessage).positions[0]!.qty}|${(m as RiskMessage).balance}`)).size > 1;
        await vi.waitFor(() => expect(fillSeen()).toBe(true), { timeout: 60_000, interval: 20 });
        killAfterMs = Math.random() * 500;
      }
      await new Promise((r) => setTimeout(r, killAfterMs));
      s.proc.kill('SIGKILL');
      await s.exited;
      c.ws.terminate();
      const risk = c.messages.filter((m): m is RiskMessage => m.type === 'risk');

      const journaled = new Set((await rows(journal, `SELECT balance, daily_pnl, alert, halted, positions::VARCHAR AS positions FROM risk_events WHERE session_id = ${i}`))
        .map((r) => key({ balance: r.balance as number, dailyPnl: r.daily_pnl as number, alert: r.alert as string, halted: r.halted as boolean, positions: JSON.parse(r.positions as string) })));
      for (const r of risk) expect(journaled.has(key(r)), `session ${i}, killed after ${killAfterMs.toFixed(0)} ms: ${key(r)}`).toBe(true);

      // The fills journaled reach the last state reported: its realised P&L is that of a prefix of the journaled
      // round trips, and its position one a journaled fill left.
      const last = risk.at(-1);
      if (!last) continue;
      const trades = await rows(journal, `SELECT pnl_usd FROM trades WHERE session_id = ${i} ORDER BY trade_id`);
      const sums = [0];
      for (const t of trades) sums.push(sums.at(-1)! + (t.pnl_usd as number));
      expect(sums.some((x) => Math.abs(x - (last.balance - 25_000)) < 1e-6), `session ${i}: realised ${last.balance - 25_000} in ${JSON.stringify(sums)}`).toBe(true);
      const qty = last.positions[0]!.qty;
      const fills = await rows(journal, `SELECT position FROM fills WHERE session_id = ${i}`);
      if (qty !== 0) expect(fills.some((f) => f.position === qty)).toBe(true);
      reportedFills += new Set(risk.map((r) => `${r.positions[0]!.qty}|${r.balance}`)).size - 1;
    }
    // Snapshots every 100 ms of wall time at 900× are about 90 s of market time apart; the journal samples one per
    // symbol per 5 minutes of market time (--journal-snapshot-ms 300000), never closer, while every decision is kept.
    const sampled = await rows(journal, `SELECT count(*) AS n, min(gap) AS shortest, (SELECT count(*) FROM decisions) AS decisions FROM (SELECT
      epoch_ms(ts) - lag(epoch_ms(ts)) OVER (PARTITION BY session_id ORDER BY ts) AS gap FROM snapshots) WHERE gap IS NOT NULL`);
    expect(sampled[0]!.n).toBeGreaterThan(0);
    expect(sampled[0]!.shortest).toBeGreaterThanOrEqual(300_000);
    expect((sampled[0]!.n as number) * 2).toBeLessThan(sampled[0]!.decisions as number);
    // The kills fell while trading: fills had been reported (a run killed before its first fill proves nothing).
    expect(reportedFills).toBeGreaterThan(0);
    const sessions = await rows(journal, 'SELECT session_id, clean_stop, previous_session_id, previous_lost IS NOT NULL AS lost FROM sessions ORDER BY session_id');
    expect(sessions).toEqual([
      ...Array.from({ length: kills }, (_, k) => ({ session_id: k + 1, clean_stop: false, previous_session_id: k === 0 ? null : k, lost: k > 0 })),
      { session_id: kills + 1, clean_stop: true, previous_session_id: kills, lost: true },
    ]);
  }, 60_000);
});
