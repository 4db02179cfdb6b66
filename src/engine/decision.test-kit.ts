import { decodeFrame } from '../protocol/frame-decoder.js';
import type { DecisionMessage, SnapshotMessage, StreamMessage } from '../protocol/messages.js';
import { StreamPublisher, type FrameSink } from '../stream/stream-publisher.js';
import { EventBus, type DecisionEvent } from './engine-events.js';

// Shared by the decision pipeline's tests: what subscribers get of its events, and an empty snapshot to decide on.

/** Collects what subscribers would get of the pipeline's events, decoded from the frames, and the decision events. */
export class DecisionCollector implements FrameSink {
  readonly out: StreamMessage[] = [];
  readonly events: DecisionEvent[] = [];
  readonly bus = new EventBus();
  constructor() {
    // No snapshot is emitted here: the frame writer's memory is never read.
    new StreamPublisher(this.bus, new WebAssembly.Memory({ initial: 1 }), this);
    this.bus.on('decision', (e) => this.events.push(e));
  }
  snapshot(): void {}
  bar(): void {}
  status(): void {}
  publish(_topic: string, bytes: Uint8Array): void {
    this.out.push(decodeFrame(bytes));
  }
  /** The decisions received, of one symbol or of all. */
  decisions(symbol?: string): DecisionMessage[] {
    return this.out.filter((m): m is DecisionMessage => m.type === 'signal' && (!symbol || m.symbol === symbol));
  }
}

/** A snapshot with no closed bar and no session yet (every feature but time_factor missing), 100 ms apart by sequence. */
export function emptySnapshot(symbol: string, sequence: number): SnapshotMessage {
  const tsNs = 1_703_545_200_000_000_000n + BigInt(sequence) * 100_000_000n;
  const session = { poc: 0, vah: 0, val: 0, vaCoverage: 0, hvn: [], lvn: [], vwap: 0, vwapSigma: 0, vwapUpper1: 0, vwapLower1: 0, vwapUpper2: 0, vwapLower2: 0, inferredShare: 0 };
  return {
    type: 'snapshot', topic: `snapshot.${symbol}`, symbol, sequence, ts: new Date(Number(tsNs / 1_000_000n)).toISOString(), tsNs: tsNs.toString(),
    tickSize: 0.25, sizeDecimals: 0, quality: [], quote: null, tradesTotal: sequence, dataQuality: null,
    stages: { tickReceivedUs: 0, tapeCommittedUs: 0, kernelsDoneUs: 0, frameBuiltUs: 0, publishedUs: 1 },
    frames: [{ timeframe: '1m', timeframeSec: 60, bar: null, lastClosed: null, footprint: [], session }],
  };
}
