import { nowUs } from '../common/clock.js';
import type { AlertEvent, BarEvent, DecisionEvent, EngineStatus, EventBus, RiskStateEvent, SnapshotEvent } from '../engine/engine-events.js';
import { LatencyWindow, type Percentiles } from '../engine/latency-window.js';
import { formatTimeframe } from '../model/timeframe-format.js';
import { AlertFrameWriter } from '../protocol/alert-frame-writer.js';
import { DecisionFrameWriter } from '../protocol/decision-frame-writer.js';
import { StatusFrameWriter } from '../protocol/status-frame-writer.js';
import { redactSecrets } from './bearer-auth.js';
import { FrameWriter, type BuiltFrame } from './frame-writer.js';

/** Where frames go: the stream server, or a test's collector. */
export interface FrameSink {
  /** A snapshot frame; the sink stamps t_published just before handing it to sockets. */
  snapshot(symbol: string, topic: string, frame: BuiltFrame): void;
  /** A closed bar frame. */
  bar(topic: string, frame: BuiltFrame): void;
  /** A status frame. */
  status(frame: Uint8Array): void;
  /** A frame of any other topic (decisions, the risk state, alerts). */
  publish(topic: string, bytes: Uint8Array): void;
  /** Exercises the publish path with a frame no subscriber receives (engine warm-up); optional. */
  warm?(frame: BuiltFrame): void;
}

/**
 * Holds each risk state until what it reports is durable (the journal: its orders, fills and risk events
 * committed), then publishes it; states are published in the order given.
 */
export interface RiskGate {
  pass(r: RiskStateEvent, publish: (r: RiskStateEvent) => void): void;
}

/** The publisher's stage latencies over the recent window, µs from the last tick's arrival. */
export interface PublisherStageStats {
  frameBuilt: Percentiles;
  published: Percentiles;
}

/** Topics of one symbol, built once. */
interface SymbolTopics {
  snapshot: string;
  signal: string;
  bars: Map<number, string>;
  /** When its last snapshot went out, µs: what its decision frame repeats. */
  snapshotPublishedUs: number;
}

/**
 * The wire at the edge: subscribes to the engine's events and turns each into its FlatBuffers frame for the
 * sink (snapshots and closed bars built from shared memory, decisions and the risk state from their events,
 * the status from its message). Subscribed before the decision pipeline, so a snapshot's frame leaves before
 * the decision made on it. Warm-up events are built and stamped but never sent.
 */
export class StreamPublisher {
  private readonly sink: FrameSink;
  private readonly frames: FrameWriter;
  private readonly decisions = new DecisionFrameWriter();
  private readonly statuses = new StatusFrameWriter();
  private readonly alerts = new AlertFrameWriter();
  private readonly topics = new Map<string, SymbolTopics>();
  private readonly stages = { frameBuilt: new LatencyWindow(), published: new LatencyWindow() };
  private readonly decisionLatency = new LatencyWindow();
  private readonly riskGate: RiskGate | undefined;
  private readonly publishRisk = (r: RiskStateEvent): void => {
    this.sink.publish('risk', this.decisions.riskState({ ...r, publishedUs: nowUs() }));
  };

  /** `riskGate`: the risk state goes out only once the gate lets it (the journal has committed it). */
  constructor(events: EventBus, memory: WebAssembly.Memory, sink: FrameSink, riskGate?: RiskGate) {
    this.riskGate = riskGate;
    this.sink = sink;
    this.frames = new FrameWriter(memory);
    events.on('snapshot', (e) => this.onSnapshot(e));
    events.on('bar', (e) => this.onBar(e));
    events.on('status', (s) => this.onStatus(s));
    events.on('decision', (d) => this.onDecision(d));
    events.on('risk', (r) => this.onRisk(r));
    events.on('alert', (a) => this.onAlert(a));
  }

  /** Frame built and published, µs from the newest trade's arrival, over the last 10,000 snapshots. */
  stageStats(): PublisherStageStats {
    return { frameBuilt: this.stages.frameBuilt.percentiles(), published: this.stages.published.percentiles() };
  }

  /**
   * The latency windows themselves (µs): frame built and published after the newest trade's arrival, and snapshot
   * published → decision published; /metrics reads them at scrape time, the alert rules their recent p99.
   */
  latencyWindows(): { frameBuilt: LatencyWindow; published: LatencyWindow; decision: LatencyWindow } {
    return { ...this.stages, decision: this.decisionLatency };
  }

  /** Snapshot published → its decision published, µs, over the last 10,000 decisions. */
  decisionLatencyUs(): Percentiles {
    return this.decisionLatency.percentiles();
  }

  private topicsOf(symbol: string): SymbolTopics {
    let t = this.topics.get(symbol);
    if (t === undefined) {
      t = { snapshot: `snapshot.${symbol}`, signal: `signal.${symbol}`, bars: new Map(), snapshotPublishedUs: 0 };
      this.topics.set(symbol, t);
    }
    return t;
  }

  private onSnapshot(e: SnapshotEvent): void {
    const t = this.topicsOf(e.symbol);
    const frame = this.frames.snapshot(t.snapshot, e, nowUs());
    if (e.warm) {
      this.sink.warm?.(frame);
      return;
    }
    const builtUs = nowUs();
    this.sink.snapshot(e.symbol, t.snapshot, frame);
    const publishedUs = nowUs();
    t.snapshotPublishedUs = publishedUs;
    // Stage latencies describe ticks: a snapshot sent for a quality change alone carries none that are new.
    if (e.newTrades) {
      this.stages.frameBuilt.record(builtUs - e.tickReceivedUs);
      this.stages.published.record(publishedUs - e.tickReceivedUs);
    }
  }

  private onBar(e: BarEvent): void {
    const t = this.topicsOf(e.symbol);
    let topic = t.bars.get(e.timeframeSec);
    if (topic === undefined) t.bars.set(e.timeframeSec, (topic = `bar.${e.symbol}.${formatTimeframe(e.timeframeSec)}`));
    const frame = this.frames.closedBar(topic, e.symbol, e.tickSize, e.sizeDecimals, e.entry, e.footprintBase, e.footprintCap);
    if (e.warm) this.sink.warm?.(frame);
    else this.sink.bar(topic, frame);
  }

  /**
   * Every subscriber of `status` gets it, token or not: the account and gateway fields of the source's detail go
   * out redacted (`/health` shows them in full to privileged readers; docs/stream.md "Who may connect").
   */
  private onStatus(s: EngineStatus): void {
    this.sink.status(this.statuses.status({ ...s, sourceDetail: redactSecrets(s.sourceDetail) as EngineStatus['sourceDetail'] }));
  }

  private onDecision(e: DecisionEvent): void {
    const d = e.decision;
    const t = this.topicsOf(d.symbol);
    const publishedUs = nowUs();
    const r = e.risk;
    this.sink.publish(t.signal, this.decisions.decision({
      topic: t.signal, symbol: d.symbol, sequence: Number(e.sequence), ts: '', tsNs: d.tsNs.toString(),
      score: d.score, confidence: d.confidence, direction: d.direction, features: { ...d.features },
      regime: { market: d.regime.market, volatility: d.regime.volatility }, expiry: d.expiry,
      directions: d.regime.timeframes, smartMoney: d.smartMoney, ml: e.ml,
      risk: { evaluated: r.evaluated, approved: r.approved, reason: r.reason, qty: r.qty, stopPrice: r.stopPrice, targetPrice: r.targetPrice, alert: r.alert },
      snapshotPublishedUs: t.snapshotPublishedUs, publishedUs,
      // The engine's readings as they are: the writer reads what it needs (no object re-shaped per decision).
      strategy: d.strategy, patterns: d.patterns, drift: e.drift, nn: e.nn,
    }));
    this.decisionLatency.record(nowUs() - t.snapshotPublishedUs);
  }

  private onRisk(r: RiskStateEvent): void {
    if (this.riskGate) this.riskGate.pass(r, this.publishRisk);
    else this.publishRisk(r);
  }

  private onAlert(a: AlertEvent): void {
    this.sink.publish('alert', this.alerts.alert({ ...a, topic: 'alert', publishedUs: nowUs() }));
  }
}
