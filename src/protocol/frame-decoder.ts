import { ErrorCode, MiaError } from '../common/errors.js';
import { nsToMs, nsToUs } from '../model/time.js';
import * as flatbuffers from 'flatbuffers';
import { Alert } from './generated/mia/alert.js';
import { Bar } from './generated/mia/bar.js';
import { ClosedBar } from './generated/mia/closed-bar.js';
import { Decision } from './generated/mia/decision.js';
import { FeatureFrame } from './generated/mia/feature-frame.js';
import { Frame } from './generated/mia/frame.js';
import { Payload } from './generated/mia/payload.js';
import { QualityFlag } from './generated/mia/quality-flag.js';
import { RiskState } from './generated/mia/risk-state.js';
import { Snapshot } from './generated/mia/snapshot.js';
import { Status } from './generated/mia/status.js';
import { barJson } from '../model/bar-json.js';
import { isoNs } from '../model/time.js';
import { formatTimeframe } from '../model/timeframe-format.js';
import { decodeDecision, decodeRiskState } from './decision-decoder.js';
import type { AlertMessage, BarJson, BarMessage, FeatureFrameJson, SnapshotMessage, StatusMessage, StreamMessage } from './messages.js';
import { decodeBarStruct, decodeLevels } from './struct-decoders.js';

const FLAG_NAMES = Object.entries(QualityFlag) as [string, number][];

/** Thrown for bytes that are not a MIA frame: MIA_ERR_BAD_FRAME. */
export class FrameDecodeError extends MiaError {
  constructor(message: string) {
    super(ErrorCode.BAD_FRAME, message);
    this.name = 'FrameDecodeError';
  }
}

/** The names of the QualityFlag bits set in `bits` (the `quality` list of a JSON snapshot). */
export function qualityNames(bits: number): string[] {
  return FLAG_NAMES.filter(([, bit]) => (bits & bit) !== 0).map(([name]) => name);
}

/** The QualityFlag bits of a `quality` list of names (the inverse of qualityNames; unknown names add none). */
export function qualityBits(names: readonly string[]): number {
  let bits = 0;
  for (const [name, bit] of FLAG_NAMES) if (names.includes(name)) bits |= bit;
  return bits;
}

/** A Bar struct of a frame as a `mia features` bar, without volume nodes (snapshot bars carry none). */
function snapshotBar(bar: Bar | null, unit: number): BarJson | null {
  if (!bar) return null;
  const { hvn: _h, lvn: _l, ...rest } = barJson(decodeBarStruct(bar, unit));
  return rest as BarJson;
}

function decodeSnapshot(topic: string, s: Snapshot): SnapshotMessage {
  const unit = 10 ** s.sizeDecimals();
  const frames: FeatureFrameJson[] = [];
  for (let i = 0; i < s.framesLength(); i++) {
    const f = s.frames(i, new FeatureFrame())!;
    const sec = f.timeframeSec();
    frames.push({
      timeframe: formatTimeframe(sec),
      timeframeSec: sec,
      bar: snapshotBar(f.bar(), unit),
      lastClosed: snapshotBar(f.lastClosed(), unit),
      footprint: decodeLevels(f.footprintLength(), (k, into) => f.footprint(k, into), unit),
      session: {
        poc: f.sessionPoc(), vah: f.sessionVah(), val: f.sessionVal(), vaCoverage: f.sessionVaCoverage(),
        hvn: Array.from(f.hvnArray() ?? []), lvn: Array.from(f.lvnArray() ?? []),
        vwap: f.vwap(), vwapSigma: f.vwapSigma(), vwapUpper1: f.vwapUpper1(), vwapLower1: f.vwapLower1(),
        vwapUpper2: f.vwapUpper2(), vwapLower2: f.vwapLower2(), inferredShare: f.inferredShare(),
      },
    });
  }
  const q = s.quote();
  return {
    type: 'snapshot',
    topic,
    symbol: s.symbol() ?? '',
    sequence: Number(s.sequence()),
    ts: isoNs(s.tsNs()),
    tsNs: s.tsNs().toString(),
    tickSize: s.tickSize(),
    sizeDecimals: s.sizeDecimals(),
    quality: qualityNames(s.quality()),
    quote: q ? { ts: isoNs(q.ts()), bid: q.bid(), ask: q.ask(), bidSize: q.bidSize() / unit, askSize: q.askSize() / unit } : null,
    tradesTotal: Number(s.tradesTotal()),
    dataQuality: Number.isNaN(s.dataQuality()) ? null : s.dataQuality(),
    stages: {
      tickReceivedUs: nsToUs(s.tTickReceived()),
      tapeCommittedUs: nsToUs(s.tTapeCommitted()),
      kernelsDoneUs: nsToUs(s.tKernelsDone()),
      frameBuiltUs: nsToUs(s.tFrameBuilt()),
      publishedUs: nsToUs(s.tPublished()),
    },
    frames,
  };
}

function decodeClosedBar(topic: string, c: ClosedBar): BarMessage {
  const unit = 10 ** c.sizeDecimals();
  const bar = decodeBarStruct(c.bar()!, unit);
  bar.hvn = Array.from(c.hvnArray() ?? []);
  bar.lvn = Array.from(c.lvnArray() ?? []);
  if (c.footprintLength() > 0) bar.levels = decodeLevels(c.footprintLength(), (k, into) => c.footprint(k, into), unit);
  return { type: 'bar', topic, symbol: c.symbol() ?? '', bar: barJson(bar) as BarJson, publishedUs: nsToUs(c.tPublished()) };
}

function parseDetail(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new FrameDecodeError('status source_detail is not JSON');
  }
}

function decodeStatus(topic: string, s: Status): StatusMessage {
  return {
    type: 'status',
    topic,
    uptimeSec: s.uptimeSec(),
    source: s.source() ?? '',
    sourceState: s.sourceState() ?? '',
    feedLagMs: s.feedLagMs(),
    poolInFlight: s.poolInFlight(),
    poolTasks: Number(s.poolTasks()),
    tradesTotal: Number(s.tradesTotal()),
    snapshotsTotal: Number(s.snapshotsTotal()),
    barsTotal: Number(s.barsTotal()),
    subscribers: s.subscribers(),
    framesConflated: Number(s.framesConflated()),
    closedSlow: Number(s.closedSlow()),
    controlErrors: Number(s.controlErrors()),
    final: s.final(),
    errors: Number(s.errors()),
    sourceConnected: s.sourceConnected(),
    sourceDetail: parseDetail(s.sourceDetail()),
    contentHashes: Array.from({ length: s.contentHashesLength() }, (_, i) => {
      const h = s.contentHashes(i)!;
      return { symbol: h.symbol() ?? '', sha256: h.sha256() ?? '', snapshots: Number(h.snapshots()), bars: Number(h.bars()) };
    }),
  };
}

const SEVERITIES = new Set<string>(['info', 'warning', 'critical']);
const ALERT_STATES = new Set<string>(['raised', 'repeated', 'resolved']);

function decodeAlert(topic: string, a: Alert): AlertMessage {
  const severity = a.severity() ?? '';
  const state = a.state() ?? '';
  if (!SEVERITIES.has(severity)) throw new FrameDecodeError(`alert severity "${severity}" is not info, warning or critical`);
  if (!ALERT_STATES.has(state)) throw new FrameDecodeError(`alert state "${state}" is not raised, repeated or resolved`);
  const value = a.value();
  const threshold = a.threshold();
  return {
    type: 'alert',
    topic,
    key: a.key() ?? '',
    rule: a.rule() ?? '',
    symbol: a.symbol() || null,
    severity: severity as AlertMessage['severity'],
    state: state as AlertMessage['state'],
    message: a.message() ?? '',
    value: Number.isNaN(value) ? null : value,
    threshold: Number.isNaN(threshold) ? null : threshold,
    sinceMs: nsToMs(a.sinceNs()),
    atMs: nsToMs(a.atNs()),
    count: a.count(),
    publishedUs: nsToUs(a.tPublished()),
  };
}

/**
 * Decodes a binary stream frame into the object a JSON subscriber receives for it. Allocates: for clients,
 * tools and the server's JSON path, never per tick.
 */
export function decodeFrame(input: Uint8Array): StreamMessage {
  // The generated vector readers view doubles in place, which needs 8-byte alignment; a frame sliced out of a
  // socket's read buffer (ws) may start anywhere, so such a frame is copied first (with the Uint8Array
  // constructor: a Node Buffer's slice is a view at the same offset, not a copy).
  const bytes = input.byteOffset % 8 === 0 ? input : new Uint8Array(input);
  const bb = new flatbuffers.ByteBuffer(bytes);
  if (bytes.length < 8 || !Frame.bufferHasIdentifier(bb)) throw new FrameDecodeError('not a MIA frame (identifier MIAF missing)');
  try {
    const f = Frame.getRootAsFrame(bb);
    const topic = f.topic() ?? '';
    switch (f.payloadType()) {
      case Payload.Snapshot:
        return decodeSnapshot(topic, f.payload(new Snapshot()) as Snapshot);
      case Payload.ClosedBar:
        return decodeClosedBar(topic, f.payload(new ClosedBar()) as ClosedBar);
      case Payload.Status:
        return decodeStatus(topic, f.payload(new Status()) as Status);
      case Payload.Decision:
        return decodeDecision(topic, f.payload(new Decision()) as Decision);
      case Payload.RiskState:
        return decodeRiskState(topic, f.payload(new RiskState()) as RiskState);
      case Payload.Alert:
        return decodeAlert(topic, f.payload(new Alert()) as Alert);
      default:
        throw new FrameDecodeError(`unknown payload type ${f.payloadType()}`);
    }
  } catch (e) {
    if (e instanceof FrameDecodeError) throw e;
    throw new FrameDecodeError(`malformed frame: ${e instanceof Error ? e.message : String(e)}`);
  }
}
