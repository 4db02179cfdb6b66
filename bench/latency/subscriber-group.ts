import { mergeHistograms, summary } from './histogram.js';
import { STAGES, type LatencySummary, type Report, type Stage, type WindowResult } from './protocol.js';
import { SubscriberProcess } from './subscriber-process.js';

type Connected = Extract<Report, { type: 'connected' }>;

/** What the group measured: the processes' windows added up, and each process's own load. */
export interface GroupWindow extends Omit<WindowResult, 'histograms' | 'cpuShare' | 'loopDelayP99Us'> {
  /** tick → published, tick → received and each stage over all processes. */
  stages: Record<Stage, LatencySummary>;
  /** Per subscriber process: clients, CPU as a share of a core, event-loop delay p99 (µs). */
  processes: { clients: number; cpuShare: number; loopDelayP99Us: number }[];
}

/**
 * N subscribers spread over K processes (issue 15: at 1,000 clients one process's own event loop was most
 * of the measured receive latency). The first process also records the frames' server-side stages, so each
 * frame is counted once; the harness adds the histograms up.
 */
export class SubscriberGroup {
  private readonly members: { process: SubscriberProcess; clients: number }[];

  private constructor(members: { process: SubscriberProcess; clients: number }[]) {
    this.members = members;
  }

  /** Starts `clients` over `processes` processes (as even as it divides); resolves once all are connected. */
  static async start(url: string, clients: number, processes: number, decode: 'lazy' | 'full', timeoutMs: number): Promise<{ group: SubscriberGroup; connected: Connected }> {
    const k = Math.max(1, Math.min(processes, clients));
    const shares = Array.from({ length: k }, (_, i) => Math.floor(clients / k) + (i < clients % k ? 1 : 0));
    const started = await Promise.allSettled(shares.map((n, i) => SubscriberProcess.start(url, n, decode, i === 0, timeoutMs)));
    const ok = started.flatMap((s, i) => (s.status === 'fulfilled' ? [{ ...s.value, clients: shares[i]! }] : []));
    const group = new SubscriberGroup(ok.map((s) => ({ process: s.process, clients: s.clients })));
    const failure = started.find((s) => s.status === 'rejected');
    if (failure) {
      await group.exit(5_000);
      throw failure.reason;
    }
    const connected: Connected = {
      type: 'connected',
      open: ok.reduce((a, s) => a + s.connected.open, 0),
      failed: ok.reduce((a, s) => a + s.connected.failed, 0),
      unsubscribed: ok.reduce((a, s) => a + s.connected.unsubscribed, 0),
      firstError: ok.find((s) => s.connected.firstError)?.connected.firstError,
    };
    return { group, connected };
  }

  /** Opens every process's measuring window. */
  begin(): void {
    for (const m of this.members) m.process.begin();
  }

  /** Closes the windows and adds up what they measured. */
  async end(timeoutMs: number): Promise<GroupWindow> {
    const windows = await Promise.all(this.members.map((m) => m.process.end(timeoutMs)));
    const sum = (f: (w: WindowResult) => number): number => windows.reduce((a, w) => a + f(w), 0);
    const merged = (key: keyof WindowResult['histograms']): LatencySummary => summary(mergeHistograms(windows.map((w) => w.histograms[key])));
    return {
      clients: sum((w) => w.clients),
      openAtEnd: sum((w) => w.openAtEnd),
      seconds: Math.max(...windows.map((w) => w.seconds)),
      frames: sum((w) => w.frames),
      publish: merged('published'),
      receive: merged('received'),
      missed: sum((w) => w.missed),
      outOfOrder: sum((w) => w.outOfOrder),
      errors: sum((w) => w.errors),
      firstError: windows.find((w) => w.firstError)?.firstError,
      negative: sum((w) => w.negative),
      stages: Object.fromEntries(STAGES.map((s) => [s, merged(s)])) as Record<Stage, LatencySummary>,
      processes: windows.map((w, i) => ({ clients: this.members[i]!.clients, cpuShare: w.cpuShare, loopDelayP99Us: w.loopDelayP99Us })),
    };
  }

  /** Waits for every process to leave (killing after `timeoutMs`). */
  async exit(timeoutMs: number): Promise<void> {
    await Promise.all(this.members.map((m) => m.process.exit(timeoutMs)));
  }
}
