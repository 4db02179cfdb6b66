import { describe, expect, test } from 'vitest';
import { QualityFlag } from '../protocol/generated/mia/quality-flag.js';
import { DATA_QUALITY_WINDOW_SEC, DataQualityWindow } from './data-quality.js';

const { Stale, Gap, Disconnected, SidesInferred, Replay } = QualityFlag;

describe('DataQualityWindow', () => {
  test('unknown before the first snapshot', () => {
    const w = new DataQualityWindow(10);
    expect(w.score(5)).toBeNaN();
    expect(w.reading(5)).toEqual({ score: null, cleanShare: null, knownSideShare: null, observedSec: 0, windowSec: 10 });
  });

  test('clean seconds with reported sides score 1; SidesInferred and Replay do not make a second unclean', () => {
    const w = new DataQualityWindow(10);
    w.record(100, Replay, 50, 50);
    w.record(104, Replay | SidesInferred, 0, 0);
    expect(w.score(109)).toBe(1);
    expect(w.reading(109)).toEqual({ score: 1, cleanShare: 1, knownSideShare: 1, observedSec: 10, windowSec: 10 });
  });

  test('a Gap raised in second 3 and cleared in second 6 of a 10 s window: 6 clean seconds of 10', () => {
    const w = new DataQualityWindow(10);
    w.record(0, 0, 10, 10);
    w.record(3, Gap, 0, 0);
    w.record(6, 0, 10, 10);
    // Unclean: 3, 4 and 5 (the Gap carried over) and 6 (the Gap was in effect when it began): 4 of seconds 0..9.
    expect(w.reading(9)).toEqual({ score: 6 / 10, cleanShare: 6 / 10, knownSideShare: 1, observedSec: 10, windowSec: 10 });
  });

  test('a flag raised and cleared within one second marks that second only', () => {
    const w = new DataQualityWindow(4);
    w.record(0, 0, 0, 0);
    w.record(1, Stale, 0, 0);
    w.record(1, 0, 0, 0);
    expect(w.reading(3)).toMatchObject({ cleanShare: 3 / 4, observedSec: 4 });
  });

  test('each of Stale, Gap and Disconnected makes a second unclean', () => {
    for (const flag of [Stale, Gap, Disconnected]) {
      const w = new DataQualityWindow(5);
      w.record(0, 0, 0, 0);
      w.record(2, flag | Replay, 0, 0);
      w.record(3, Replay, 0, 0);
      // Unclean: 2 and 3 (the flag was in effect when second 3 began): 3 clean of 5.
      expect(w.score(4)).toBeCloseTo(3 / 5, 12);
    }
  });

  test('the known-side share weights the clean share: 2 of 4 clean seconds and 75 of 100 lots reported → 0.375', () => {
    const w = new DataQualityWindow(4);
    w.record(0, 0, 40, 40);
    w.record(1, Disconnected, 0, 0);
    // Second 2 began Disconnected: unclean too, whatever the snapshot in it says.
    w.record(2, 0, 35, 60);
    expect(w.reading(3)).toEqual({ score: 0.375, cleanShare: 0.5, knownSideShare: 0.75, observedSec: 4, windowSec: 4 });
  });

  test('old seconds leave the window: unclean seconds and their volume drop out', () => {
    const w = new DataQualityWindow(5);
    w.record(0, Disconnected, 0, 100);
    w.record(1, 0, 100, 100);
    // Seconds 0..4: 0 and 1 (Disconnected when it began) unclean; 100 of 200 lots reported.
    expect(w.score(4)).toBeCloseTo((3 / 5) * (100 / 200), 12);
    // Seconds 1..5: second 0 and its 100 inferred lots are gone.
    expect(w.score(5)).toBeCloseTo(4 / 5, 12);
    expect(w.score(6)).toBe(1);
    // Seconds beyond a whole window later, with the Disconnected flag set again and left in effect.
    w.record(7, Disconnected, 0, 0);
    expect(w.score(30)).toBe(0);
  });

  test('a flag in effect across a silence longer than the window leaves every second unclean', () => {
    const w = new DataQualityWindow(60);
    w.record(0, Stale, 0, 0);
    expect(w.score(1_000)).toBe(0);
    w.record(1_000, 0, 1, 1);
    expect(w.reading(1_059)).toMatchObject({ cleanShare: 59 / 60, observedSec: 60 });
  });

  test('observe turns session totals into volume, and a new session (totals falling) into new volume', () => {
    const w = new DataQualityWindow(10);
    w.observe(0, 0, 100, 0);
    w.observe(1, SidesInferred, 300, 200);
    // 300 lots, 200 inferred.
    expect(w.reading(1)).toMatchObject({ knownSideShare: 100 / 300 });
    // New session: its 30 lots (10 inferred) are all new.
    w.observe(2, 0, 30, 10);
    expect(w.reading(2)).toMatchObject({ knownSideShare: 120 / 330 });
  });

  test('the default window is five minutes', () => {
    expect(DATA_QUALITY_WINDOW_SEC).toBe(300);
    expect(new DataQualityWindow().windowSec).toBe(300);
    expect(() => new DataQualityWindow(0)).toThrow(/windowSec/);
  });
});
