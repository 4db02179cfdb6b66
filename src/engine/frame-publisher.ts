import type { BuiltFrame } from '../stream/frame-writer.js';
import type { StatusMessage } from '../protocol/messages.js';

/** Where the engine hands its frames (the stream server, or a test's collector). */
export interface FramePublisher {
  /** A snapshot frame; the publisher stamps t_published just before handing it to sockets. */
  snapshot(symbol: string, topic: string, frame: BuiltFrame): void;
  /** A closed bar frame. */
  bar(topic: string, frame: BuiltFrame): void;
  /** A status frame. */
  status(frame: Uint8Array, message: Omit<StatusMessage, 'type' | 'topic'>): void;
  /** Exercises the publish path with a frame no subscriber receives (engine warm-up); optional. */
  warm?(frame: BuiltFrame): void;
  /** Subscribers and delivery counters, for the status. */
  counters(): { subscribers: number; framesConflated: number; closedSlow: number; controlErrors: number };
}
