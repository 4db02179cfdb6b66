// The engine's frames as a subscriber decodes them: a StreamPublisher over the engine's events into a collector,
// for tests that hold the engine's output against `mia features` or a reference.
import type { SnapshotEngine } from '../../src/engine/snapshot-engine.js';
import { decodeFrame } from '../../src/protocol/frame-decoder.js';
import type { BarMessage, SnapshotMessage } from '../../src/protocol/messages.js';
import type { BuiltFrame } from '../../src/stream/frame-writer.js';
import { StreamPublisher } from '../../src/stream/stream-publisher.js';

/** Decoded frames of one engine, in publication order. */
export interface Collected {
  bars: BarMessage[];
  snapshots: SnapshotMessage[];
  /** Snapshot frames as built, each copied (the writer reuses its buffer). */
  snapshotFrames: Uint8Array[];
  publisher: StreamPublisher;
}

/** Subscribes a publisher to `engine` (before anything else that should see frames first) and collects what it builds. */
export function collectFrames(engine: SnapshotEngine): Collected {
  const out: Omit<Collected, 'publisher'> = { bars: [], snapshots: [], snapshotFrames: [] };
  const publisher = new StreamPublisher(engine.events, engine.memory, {
    snapshot: (_s: string, _t: string, f: BuiltFrame) => {
      out.snapshotFrames.push(f.bytes.slice());
      out.snapshots.push(decodeFrame(f.bytes) as SnapshotMessage);
    },
    bar: (_t: string, f: BuiltFrame) => void out.bars.push(decodeFrame(f.bytes) as BarMessage),
    status: () => undefined,
    publish: () => undefined,
  });
  return { ...out, publisher };
}
