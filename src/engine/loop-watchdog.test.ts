import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../common/errors.js';
import { Cell, LoopHeartbeat, LoopStage } from './loop-heartbeat.js';
import { LoopWatchdog, type LoopWatchdogPort } from './loop-watchdog.js';

/** A port that keeps what the watchdog said and whether it ended the process. */
class Recorder implements LoopWatchdogPort {
  readonly lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
  exits = 0;
  line(level: 'info' | 'error' | 'fatal', fields: Record<string, unknown>, msg: string): void {
    this.lines.push({ level, fields, msg });
  }
  exit(): void {
    this.exits++;
  }
}

const SETTINGS = { budgetMs: 2000, exitAfterMs: 20_000, exitCode: 75 };

/** A heartbeat (the engine's side) and a watchdog reading it on a clock the test moves. */
function setUp(): { hb: LoopHeartbeat; out: Recorder; dog: LoopWatchdog; at: (ms: number) => void } {
  const hb = new LoopHeartbeat();
  const out = new Recorder();
  const dog = new LoopWatchdog(hb.cells, SETTINGS, out, 0);
  return { hb, out, dog, at: (ms) => dog.check(ms) };
}

describe('LoopWatchdog (injected clock and heartbeat)', () => {
  test('a heartbeat that keeps moving is never a stall, however long it runs', () => {
    const { hb, out, at } = setUp();
    for (let ms = 100; ms <= 60_000; ms += 100) {
      hb.beat();
      at(ms);
    }
    expect(out.lines).toEqual([]);
    expect(hb.stats()).toMatchObject({ stalls: 0, stalledNow: false, longestStallMs: 0 });
  });

  test('a beat quiet past the budget is one coded line naming the stage; the next beat is a recovery with the stall length', () => {
    const { hb, out, at } = setUp();
    hb.beat();
    at(1000);
    hb.enter(LoopStage.KernelsInline);
    for (let ms = 1100; ms <= 3000; ms += 100) at(ms); // 2000 ms quiet: not over the budget yet
    expect(out.lines).toEqual([]);
    at(3100);
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatchObject({ level: 'error', fields: { code: ErrorCode.ENGINE_STALLED, stalledMs: 2100, engineStage: 'kernels-inline', stalls: 1 } });
    for (let ms = 3200; ms <= 6000; ms += 100) at(ms); // still stalled: no second line
    expect(out.lines).toHaveLength(1);
    expect(hb.stats()).toMatchObject({ stalls: 1, stalledNow: true });
    hb.beat();
    at(6100);
    expect(out.lines).toHaveLength(2);
    expect(out.lines[1]).toMatchObject({ level: 'info', fields: { stallMs: 5100, engineStage: 'kernels-inline', stalls: 1 } });
    expect(hb.stats()).toMatchObject({ stalls: 1, stalledNow: false, lastStallMs: 5100, longestStallMs: 5100 });
    expect(out.exits).toBe(0);
  });

  test('stalls are counted; the longest is kept', () => {
    const { hb, out, at } = setUp();
    at(2500); // 2500 quiet from the start
    hb.beat();
    at(2600);
    at(9000); // 6400 quiet
    hb.beat();
    at(9100);
    at(11_200); // 2100 quiet
    hb.beat();
    at(11_300);
    expect(out.lines.map((l) => l.level)).toEqual(['error', 'info', 'error', 'info', 'error', 'info']);
    expect(hb.stats()).toMatchObject({ stalls: 3, lastStallMs: 2200, longestStallMs: 6500 });
  });

  test('a stall past the hard deadline ends the process once, with a final coded line', () => {
    const { hb, out, at } = setUp();
    Atomics.store(hb.cells, Cell.Stage, LoopStage.Events);
    for (let ms = 100; ms <= 25_000; ms += 100) at(ms);
    expect(out.exits).toBe(1);
    expect(out.lines.map((l) => l.level)).toEqual(['error', 'fatal']);
    expect(out.lines[1]!.fields).toMatchObject({ code: ErrorCode.ENGINE_STALLED, engineStage: 'events', exitCode: 75, final: true });
    expect(out.lines[1]!.fields.stalledMs as number).toBeGreaterThan(20_000);
  });

  test('stages are entered and left in order: enter returns the stage left', () => {
    const hb = new LoopHeartbeat();
    expect(hb.enter(LoopStage.Ingest)).toBe(LoopStage.EventLoop);
    expect(hb.enter(LoopStage.KernelsInline)).toBe(LoopStage.Ingest);
    expect(hb.enter(LoopStage.Ingest)).toBe(LoopStage.KernelsInline);
  });
});
