import { describe, expect, it } from 'vitest';
import { LoopWait } from './loop-wait.js';

describe('LoopWait', () => {
  it('ends a wait on wake, long before its timer, and again on a re-armed one', async () => {
    const w = new LoopWait();
    for (let i = 0; i < 3; i++) {
      const slept = w.sleep(60_000).then(() => 'woken');
      w.wake();
      expect(await slept).toBe('woken');
    }
    w.dispose();
  });

  it('ends a wait when its timer fires, after a wake left the timer armed, and for a new length', async () => {
    const w = new LoopWait();
    const first = w.sleep(1);
    w.wake();
    await first;
    // Nobody wakes these: only the re-armed timer can end them (a wait it did not end would time the test out).
    const ended: number[] = [];
    for (const ms of [1, 2, 2]) {
      await w.sleep(ms);
      ended.push(ms);
    }
    w.wake(); // no wait in progress: nothing to end, nothing thrown
    w.dispose();
    expect(ended).toEqual([1, 2, 2]);
  });
});
