/**
 * The largest TWS message accepted, bytes: IB's own clients (Java `EClient.MAX_MSG_LENGTH`, @stoqey/ib's
 * `MAX_V100_MESSAGE_LENGTH`) refuse anything above 0xffffff.
 */
export const MAX_TWS_FRAME_BYTES = 0xffffff;

/** Why a byte stream stopped being a TWS message stream. */
export type FrameFault = 'length' | 'terminator';

/**
 * Checks the server-to-client byte stream of the TWS API (4-byte big-endian length, then that many bytes of
 * NUL-terminated fields) before @stoqey/ib 1.6 sees it. The library trusts the length prefix: it reads it as a
 * signed int, so a prefix of 0xfffffffc or any large negative value never consumes a byte and its loop spins
 * for ever on the same buffer (the freeze of issue 14); a body that does not end in NUL leaves a fragment the
 * library glues onto the next message. Here a length outside 1..{@link MAX_TWS_FRAME_BYTES} or a body whose
 * last byte is not NUL ends the stream: nothing after it can be framed, so the caller drops the connection.
 * State survives chunk boundaries (a frame split anywhere, even inside its length prefix, is followed).
 * No allocation per chunk.
 */
export class TwsFrameGuard {
  /** Bytes of the current length prefix read so far (0..3), and its value so far. */
  private headBytes = 0;
  private head = 0;
  /** Body bytes still to come of the current frame (0: a length prefix is next). */
  private bodyLeft = 0;
  /** Complete frames seen. */
  frames = 0;
  /** The first fault, once the stream is broken (every later chunk is refused whole). */
  fault: FrameFault | undefined;
  /** The bad length, or the bad last byte, of that fault. */
  faultValue = 0;

  private readonly maxFrameBytes: number;

  constructor(maxFrameBytes = MAX_TWS_FRAME_BYTES) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Scans `chunk` and returns how many of its leading bytes belong to well-formed frames (whole, or the start of
   * one that may still complete). Less than `chunk.length` means a fault: see {@link fault}.
   */
  accept(chunk: Uint8Array): number {
    if (this.fault) return 0;
    let at = 0;
    // Where the current frame began in this chunk (0 when it began in an earlier one): a bad frame is not passed on.
    let start = 0;
    const n = chunk.length;
    while (at < n) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, n - at);
        at += take;
        this.bodyLeft -= take;
        if (this.bodyLeft === 0) {
          const last = chunk[at - 1]!;
          if (last !== 0) return this.broken('terminator', last, start);
          this.frames++;
        }
        continue;
      }
      if (this.headBytes === 0) start = at;
      // `>>> 0` keeps the prefix unsigned: the value the library would read as negative is seen as huge.
      this.head = ((this.head << 8) | chunk[at]!) >>> 0;
      this.headBytes++;
      at++;
      if (this.headBytes < 4) continue;
      const len = this.head;
      this.head = 0;
      this.headBytes = 0;
      if (len < 1 || len > this.maxFrameBytes) return this.broken('length', len, start);
      this.bodyLeft = len;
    }
    return n;
  }

  /** True while a frame is partly received (a prefix or a body is incomplete). */
  get midFrame(): boolean {
    return this.headBytes > 0 || this.bodyLeft > 0;
  }

  private broken(fault: FrameFault, value: number, validEnd: number): number {
    this.fault = fault;
    this.faultValue = value;
    return validEnd;
  }
}
