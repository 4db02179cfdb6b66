import { EventName, type IBApi } from '@stoqey/ib';
import { ErrorCode } from '../../common/errors.js';
import { TwsFrameGuard } from './frame-guard.js';

interface SocketInternals {
  controller?: { socket?: { onData?: (data: Buffer) => void } };
}

/** Why the guard stopped feeding the library: the connection must be replaced. */
export interface DecoderFault {
  /** MIA_ERR_IB_BAD_FRAME (the byte stream is not TWS framing) or MIA_ERR_IB_DECODE (the library threw, looped, or errors flooded). */
  code: typeof ErrorCode.IB_BAD_FRAME | typeof ErrorCode.IB_DECODE;
  /** One line for the log: what was wrong, never the bytes themselves. */
  detail: string;
}

/** The handle of an installed guard. */
export interface DecoderGuard {
  /** Stops feeding the library now; inside its decode loop this unwinds the loop at once. */
  trip(detail: string): void;
  /** Frames checked so far. */
  readonly frames: number;
}

/** The smallest message the guard lets through: a 4-byte length and one NUL-terminated field. */
const MIN_MESSAGE_BYTES = 5;

/** Thrown through the library's own stack to leave its decode loop; caught by the guard, never escapes. */
class DecodeAbort extends Error {
  override readonly name = 'DecodeAbort';
}

/**
 * Stands between the socket and @stoqey/ib 1.6's decoder (it wraps the client's `socket.onData`, an internal of
 * 1.6.x checked here: undefined when it is not there). Three guards, each ending in one `onFault` and no more
 * bytes for that client (the caller drops the connection and reconnects):
 * - framing, before the library: {@link TwsFrameGuard} (a bad length prefix made the library spin for ever);
 * - a throw from inside the library's socket listener (e.g. an error message whose advanced-order-reject JSON
 *   is broken), which would otherwise be an uncaughtException;
 * - a decode loop that reports more messages than the bytes given could hold (5 bytes each), or a caller's
 *   {@link DecoderGuard.trip} (the connection's per-second budget of decode errors): the library is unwound by
 *   an exception thrown from its own event, so no loop of it outlives the chunk that started it.
 */
export function guardDecoder(api: IBApi, onFault: (f: DecoderFault) => void, maxFrameBytes?: number): DecoderGuard | undefined {
  const socket = (api as unknown as SocketInternals).controller?.socket;
  const inner = socket?.onData;
  if (!socket || typeof inner !== 'function') return undefined;
  const frames = new TwsFrameGuard(maxFrameBytes);
  let dead = false;
  let inCall = false;
  let bytesIn = 0;
  let messages = 0;
  const fail = (f: DecoderFault): void => {
    if (dead) return;
    dead = true;
    onFault(f);
  };
  const trip = (detail: string): void => {
    fail({ code: ErrorCode.IB_DECODE, detail });
    if (inCall) throw new DecodeAbort(detail);
  };
  // The library emits `received` once per message it takes off its buffer.
  api.on(EventName.received, () => {
    if (dead) {
      if (inCall) throw new DecodeAbort('stopped');
      return;
    }
    if (++messages * MIN_MESSAGE_BYTES > bytesIn) trip(`decoder produced ${messages} messages from ${bytesIn} bytes`);
  });
  socket.onData = (data: Buffer): void => {
    if (dead) return;
    const ok = frames.accept(data);
    if (ok > 0) {
      bytesIn += ok;
      inCall = true;
      try {
        inner.call(socket, ok === data.length ? data : data.subarray(0, ok));
      } catch (e) {
        if (!(e instanceof DecodeAbort)) fail({ code: ErrorCode.IB_DECODE, detail: `client library threw ${e instanceof Error ? e.name : typeof e}: ${String(e instanceof Error ? e.message : e).slice(0, 200)}` });
      } finally {
        inCall = false;
      }
    }
    if (frames.fault) {
      fail({ code: ErrorCode.IB_BAD_FRAME, detail: frames.fault === 'length'
        ? `message length ${frames.faultValue} outside 1..${maxFrameBytes ?? 0xffffff}`
        : `message not terminated by NUL (last byte ${frames.faultValue})` });
    }
  };
  return {
    trip,
    get frames(): number {
      return frames.frames;
    },
  };
}
