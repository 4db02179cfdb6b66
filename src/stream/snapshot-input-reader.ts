import * as flatbuffers from 'flatbuffers';
import { nsToUs } from '../common/clock.js';
import { Bar } from '../protocol/generated/mia/bar.js';
import { ClosedBar } from '../protocol/generated/mia/closed-bar.js';
import { FeatureFrame } from '../protocol/generated/mia/feature-frame.js';
import { Frame } from '../protocol/generated/mia/frame.js';
import { Payload } from '../protocol/generated/mia/payload.js';
import { Quote } from '../protocol/generated/mia/quote.js';
import { Snapshot } from '../protocol/generated/mia/snapshot.js';
import { decodeLevel } from '../kernels/bar-decoder.js';
import * as L from '../kernels/layout.js';
import { isoNs } from '../model/bar-json.js';
import { formatTimeframe } from '../model/timeframe-format.js';
import { SignalInputError, type BarInput, type LevelInput } from '../signals/bar-input.js';
import type { FrameInput, SessionInput, SnapshotInput } from '../signals/snapshot-input.js';
import { FrameDecodeError } from '../protocol/frame-decoder.js';

/** A snapshot frame read for a decision: the signals' input and what the Decision frame repeats. */
export interface SnapshotRead {
  kind: 'snapshot';
  input: SnapshotInput;
  sequence: number;
  tsNs: bigint;
  /** QualityFlag bits of the snapshot. */
  quality: number;
  /** When the engine published the snapshot, µs since the epoch. */
  publishedUs: number;
}

/** A closed-bar frame read for the signals. */
export interface ClosedBarRead {
  kind: 'bar';
  symbol: string;
  bar: BarInput;
}

const timeframes = new Map<number, string>();
function timeframeName(sec: number): string {
  let s = timeframes.get(sec);
  if (s === undefined) timeframes.set(sec, (s = formatTimeframe(sec)));
  return s;
}

function finite(v: number, what: string, dv: DataView, at: number): number {
  if (Number.isFinite(v)) return v;
  const ts = isoNs(dv.getBigInt64(at + L.BAR_TS_OPEN, true));
  throw new SignalInputError(`bar ${timeframeName(dv.getUint32(at + L.BAR_TIMEFRAME_SEC, true))} ${ts}: field "${what}" is not a finite number`);
}

/**
 * Reads stream frames straight into the signals' input, for the decision path: the fields the signals use
 * are read from the FlatBuffer in place (no JSON shape, no ISO strings per bar, no footprint of the bar in
 * progress), which is most of what a full decode (frame-decoder.ts) costs per snapshot. Content is the same
 * as snapshotInputOf(decodeFrame(bytes)) (test/stream/snapshot-input-reader.test.ts). Not thread-safe: the
 * accessor objects are reused between calls.
 */
export class SnapshotInputReader {
  private readonly frame = new Frame();
  private readonly snapshot = new Snapshot();
  private readonly closed = new ClosedBar();
  private readonly feature = new FeatureFrame();
  private readonly quote = new Quote();
  private readonly bar = new Bar();

  /** The frame's snapshot or closed bar; null for other payloads; FrameDecodeError for bytes that are not a frame. */
  read(bytes: Uint8Array): SnapshotRead | ClosedBarRead | null {
    const bb = new flatbuffers.ByteBuffer(bytes);
    if (bytes.length < 8 || !Frame.bufferHasIdentifier(bb)) throw new FrameDecodeError('not a MIA frame (identifier MIAF missing)');
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    try {
      const f = Frame.getRootAsFrame(bb, this.frame);
      switch (f.payloadType()) {
        case Payload.Snapshot:
          return this.readSnapshot(f.payload(this.snapshot) as Snapshot, dv);
        case Payload.ClosedBar:
          return this.readClosedBar(f.payload(this.closed) as ClosedBar, dv);
        default:
          return null;
      }
    } catch (e) {
      if (e instanceof FrameDecodeError || e instanceof SignalInputError) throw e;
      throw new FrameDecodeError(`malformed frame: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private readSnapshot(s: Snapshot, dv: DataView): SnapshotRead {
    const unit = 10 ** s.sizeDecimals();
    const n = s.framesLength();
    const frames: FrameInput[] = new Array<FrameInput>(n);
    for (let i = 0; i < n; i++) {
      const f = s.frames(i, this.feature)!;
      const bar = f.bar(this.bar);
      const close = bar ? dv.getFloat64(bar.bb_pos + L.BAR_CLOSE, true) : Number.NaN;
      const last = f.lastClosed(this.bar);
      const hvn = new Array<number>(f.hvnLength());
      for (let k = 0; k < hvn.length; k++) hvn[k] = f.hvn(k)!;
      const session: SessionInput = {
        poc: f.sessionPoc(), vah: f.sessionVah(), val: f.sessionVal(), vwap: f.vwap(),
        vwapUpper1: f.vwapUpper1(), vwapLower1: f.vwapLower1(), vwapUpper2: f.vwapUpper2(), vwapLower2: f.vwapLower2(), hvn,
      };
      frames[i] = {
        timeframe: timeframeName(f.timeframeSec()),
        close: Number.isFinite(close) ? close : null,
        lastClosed: last ? readBarInput(dv, last.bb_pos, unit, undefined) : null,
        session,
      };
    }
    const q = s.quote(this.quote);
    const tsNs = s.tsNs();
    return {
      kind: 'snapshot',
      input: {
        symbol: s.symbol() ?? '',
        ts: isoNs(tsNs),
        tsMs: Number(tsNs / 1_000_000n),
        tickSize: s.tickSize(),
        quote: q ? { bid: q.bid(), ask: q.ask(), bidSize: q.bidSize() / unit, askSize: q.askSize() / unit } : null,
        frames,
      },
      sequence: Number(s.sequence()),
      tsNs,
      quality: s.quality(),
      publishedUs: nsToUs(s.tPublished()),
    };
  }

  private readClosedBar(c: ClosedBar, dv: DataView): ClosedBarRead {
    const unit = 10 ** c.sizeDecimals();
    const n = c.footprintLength();
    let levels: LevelInput[] | undefined;
    if (n > 0) {
      const at = c.footprint(0)!.bb_pos;
      levels = new Array<LevelInput>(n);
      for (let i = 0; i < n; i++) levels[i] = decodeLevel(dv, at + i * L.LEVEL_BYTES, unit);
    }
    return { kind: 'bar', symbol: c.symbol() ?? '', bar: readBarInput(dv, c.bar(this.bar)!.bb_pos, unit, levels) };
  }
}

/** The fields of a Bar struct the signals use, checked as readBar checks a decoded bar. */
function readBarInput(dv: DataView, at: number, unit: number, levels: readonly LevelInput[] | undefined): BarInput {
  const tsNs = dv.getBigInt64(at + L.BAR_TS_OPEN, true);
  const timeframe = timeframeName(dv.getUint32(at + L.BAR_TIMEFRAME_SEC, true));
  const buy = Number(dv.getBigInt64(at + L.BAR_BUY_VOLUME, true));
  const sell = Number(dv.getBigInt64(at + L.BAR_SELL_VOLUME, true));
  return {
    tsMs: Number(tsNs / 1_000_000n) + Number(tsNs % 1_000_000n) / 1e6,
    timeframe,
    open: finite(dv.getFloat64(at + L.BAR_OPEN, true), 'open', dv, at),
    high: finite(dv.getFloat64(at + L.BAR_HIGH, true), 'high', dv, at),
    low: finite(dv.getFloat64(at + L.BAR_LOW, true), 'low', dv, at),
    close: finite(dv.getFloat64(at + L.BAR_CLOSE, true), 'close', dv, at),
    volume: Number(dv.getBigInt64(at + L.BAR_VOLUME, true)) / unit,
    trades: dv.getUint32(at + L.BAR_TRADES, true),
    buyVolume: buy / unit,
    sellVolume: sell / unit,
    delta: (buy - sell) / unit,
    stackedBuy: dv.getUint16(at + L.BAR_STACKED_BUY, true),
    stackedSell: dv.getUint16(at + L.BAR_STACKED_SELL, true),
    levels,
  };
}
