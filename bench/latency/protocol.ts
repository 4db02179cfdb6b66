// What the latency harness (run.ts) and its subscriber process (subscribers.ts) say to each other over IPC.

/** Percentiles of one latency, in µs. */
export interface LatencySummary {
  count: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
}

/**
 * The stages of a snapshot's way, from the stage times every snapshot frame carries (server clock) and the
 * subscriber's receive time (the same clock on one host): trade arrival → tape committed → kernels done →
 * frame built → published → received by a client.
 */
export const STAGES = ['tape', 'kernels', 'frame', 'publish', 'deliver'] as const;
export type Stage = (typeof STAGES)[number];

/** Parent → subscriber process: open the measuring window, or close it and report. */
export type Command = { cmd: 'start' } | { cmd: 'stop' };

/** What the subscriber process measured over the window. */
export interface WindowResult {
  /** Clients asked for, and those open at the end of the window. */
  clients: number;
  openAtEnd: number;
  /** Length of the window as the subscriber process saw it, in seconds. */
  seconds: number;
  /** Snapshot frames received by all clients in the window. */
  frames: number;
  /** publishedUs − tickReceivedUs, once per distinct snapshot (symbol, sequence). */
  publish: LatencySummary;
  /** receiveTimeUs() − tickReceivedUs at each client's frame handler. */
  receive: LatencySummary;
  /** Sequence gaps per symbol per client, plus what clients closed during the window missed to its end. */
  missed: number;
  /** Frames that came with a sequence not above the client's last one of that symbol (should be 0). */
  outOfOrder: number;
  /** Client errors while measuring (undecodable frames, socket errors); any fails the case. */
  errors: number;
  /** The first error any client reported, for the failure message. */
  firstError: string | undefined;
  /** Receive latencies below zero (clock disagreement), recorded as 0. */
  negative: number;
  /** CPU the subscriber process used over the window, as a share of one core. */
  cpuShare: number;
  /** The subscriber process's event-loop delay p99 over the window, µs: its own queueing, inside `receive`. */
  loopDelayP99Us: number;
  /**
   * The histograms (hdr, compressed base64) of tick → published, tick → received and each stage, for the harness to add up
   * over processes. The server-side ones (tick → published and every stage but `deliver`) are recorded by the first
   * subscriber process only: a frame is counted once, not once per process.
   */
  histograms: Record<'published' | 'received' | Stage, string>;
}

/** Subscriber process → parent. */
export type Report =
  | { type: 'connected'; open: number; failed: number; unsubscribed: number; firstError: string | undefined }
  | { type: 'result'; result: WindowResult }
  | { type: 'failed'; message: string };
