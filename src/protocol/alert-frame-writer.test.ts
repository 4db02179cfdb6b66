import { describe, expect, test } from 'vitest';
import { AlertFrameWriter } from './alert-frame-writer.js';
import { decodeFrame, FrameDecodeError } from './frame-decoder.js';
import { Payload } from './generated/mia/payload.js';
import type { AlertMessage } from './messages.js';

const raised: AlertMessage = {
  type: 'alert', topic: 'alert', key: 'drawdown', rule: 'drawdown', symbol: null, severity: 'warning', state: 'raised',
  message: 'drawdown 1,600.00 USD (5.3 % of the peak balance 30,000.00 USD), limit 5.0 %', value: 1600, threshold: 1500,
  sinceMs: 1_764_766_800_000, atMs: 1_764_766_800_000, count: 1, publishedUs: 1_764_766_800_000_512,
};

describe('Alert frames', () => {
  test('an alert decodes to the message it was built from, nulls included', () => {
    const w = new AlertFrameWriter();
    for (const a of [
      raised,
      { ...raised, state: 'repeated', count: 2, atMs: 1_764_767_100_000 },
      {
        ...raised, key: 'feedDisconnected:ES', rule: 'feedDisconnected', symbol: 'ES', severity: 'critical', state: 'resolved',
        message: 'ES: Disconnected cleared: the source is connected again', value: null, threshold: null, count: 3,
      },
    ] satisfies AlertMessage[]) {
      expect(decodeFrame(w.alert(a))).toEqual(a);
    }
  });

  test('Alert is appended to the payload union: the older members keep their type ids', () => {
    expect(Payload).toMatchObject({ NONE: 0, Snapshot: 1, ClosedBar: 2, Status: 3, Decision: 4, RiskState: 5, Alert: 6 });
  });

  test('an alert with a severity or state the protocol does not define is MIA_ERR_BAD_FRAME', () => {
    const w = new AlertFrameWriter();
    const bad = w.alert({ ...raised, severity: 'fatal' as AlertMessage['severity'] }).slice();
    expect(() => decodeFrame(bad)).toThrow(FrameDecodeError);
    expect(() => decodeFrame(w.alert({ ...raised, state: 'open' as AlertMessage['state'] }))).toThrow(/alert state "open"/);
  });
});
