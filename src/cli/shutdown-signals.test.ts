import { pino } from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { ShutdownSignals } from './shutdown-signals.js';

const quiet = pino({ level: 'silent' });
const open: ShutdownSignals[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.finished();
});

describe('ShutdownSignals', () => {
  test('a request aborts the start, resolves stopped, and a stage that hangs past the deadline forces exit 1', async () => {
    const exits: number[] = [];
    const s = new ShutdownSignals(quiet, 50, (code) => exits.push(code));
    open.push(s);
    s.request('SIGTERM');
    expect(s.signal.aborted).toBe(true);
    expect(await s.stopped).toBe('SIGTERM');
    s.stage('journal');
    // The stage never finishes: a promise that is never settled.
    await Promise.race([new Promise(() => undefined), new Promise((r) => setTimeout(r, 300))]);
    expect(exits).toEqual([1]);
  });

  test('after shutdown finished, the deadline still ends a process something left alive (here: the test runner)', async () => {
    const exits: number[] = [];
    const s = new ShutdownSignals(quiet, 100, (code) => exits.push(code));
    s.request('SIGINT');
    s.finished();
    await new Promise((r) => setTimeout(r, 30));
    expect(exits).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(exits).toEqual([1]);
  });

  test('without a signal nothing is armed', async () => {
    const exits: number[] = [];
    const s = new ShutdownSignals(quiet, 10, (code) => exits.push(code));
    open.push(s);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.requested).toBe(false);
    expect(exits).toEqual([]);
  });
});
