/**
 * The engine loop's wait between polls: `sleep(ms)` resolves after `ms`, or at once on `wake` (a kernel task
 * completed, a stop). One timer serves every wait, re-armed from now by `refresh`: the live loop waits every
 * millisecond, and a timer and closure per wait were garbage on the engine's thread at that rate (issue 15).
 */
export class LoopWait {
  /** Ends the current wait, if any; safe to call at any time and from any callback. */
  readonly wake = (): void => {
    const r = this.resolve;
    this.resolve = undefined;
    r?.();
  };
  private resolve: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ms = 0;

  /** Waits `ms`, or less when woken. One wait at a time (the loop's). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      if (this.timer === undefined || this.ms !== ms) {
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(this.wake, ms);
        this.ms = ms;
      } else this.timer.refresh();
    });
  }

  /** Disarms the timer, which may still be armed after a wake: it must not hold the process open. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
