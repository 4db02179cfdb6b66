import * as flatbuffers from 'flatbuffers';
import { msToNs, usToNs } from '../model/time.js';
import { Alert } from './generated/mia/alert.js';
import { Frame } from './generated/mia/frame.js';
import { Payload } from './generated/mia/payload.js';
import type { AlertMessage } from './messages.js';

/**
 * Builds `Alert` frames from the alert message shape, so that decoding a built frame gives back the message it
 * was built from. Alerts are rare (a few a minute at most), so strings are encoded per frame. One builder is
 * reused; a returned frame is valid until the next build.
 */
export class AlertFrameWriter {
  private readonly b = new flatbuffers.Builder(512);

  /** An Alert frame on `a.topic` (`alert`). */
  alert(a: Omit<AlertMessage, 'type'>): Uint8Array {
    const b = this.b;
    b.clear();
    const topic = b.createString(a.topic);
    const key = b.createString(a.key);
    const rule = b.createString(a.rule);
    const symbol = a.symbol !== null ? b.createString(a.symbol) : 0;
    const severity = b.createString(a.severity);
    const state = b.createString(a.state);
    const message = b.createString(a.message);
    Alert.startAlert(b);
    Alert.addKey(b, key);
    Alert.addRule(b, rule);
    if (symbol) Alert.addSymbol(b, symbol);
    Alert.addSeverity(b, severity);
    Alert.addState(b, state);
    Alert.addMessage(b, message);
    if (a.value !== null) Alert.addValue(b, a.value);
    if (a.threshold !== null) Alert.addThreshold(b, a.threshold);
    Alert.addSinceNs(b, msToNs(a.sinceMs));
    Alert.addAtNs(b, msToNs(a.atMs));
    Alert.addCount(b, a.count);
    Alert.addTPublished(b, usToNs(a.publishedUs));
    Frame.finishFrameBuffer(b, Frame.createFrame(b, topic, Payload.Alert, Alert.endAlert(b)));
    return b.asUint8Array();
  }
}
