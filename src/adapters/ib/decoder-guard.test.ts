import { EventEmitter } from 'node:events';
import type { IBApi } from '@stoqey/ib';
import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../../common/errors.js';
import { guardDecoder, type DecoderFault } from './decoder-guard.js';

/** A stand-in for @stoqey/ib 1.6's client: an EventEmitter whose `controller.socket.onData` is the decoder. */
function stubClient(onData: (api: EventEmitter, data: Buffer) => void): { api: EventEmitter; feed: (d: Buffer) => void } {
  const api = new EventEmitter();
  const socket = { onData: (d: Buffer): void => onData(api, d) };
  Object.assign(api, { controller: { socket } });
  return { api, feed: (d) => socket.onData(d) };
}

const frame = Buffer.from([0, 0, 0, 2, 0x39, 0]);

describe('guardDecoder', () => {
  test('a decoder loop that reports more messages than the bytes could hold is cut, coded, and fed no more', () => {
    let calls = 0;
    // The freeze of issue 14 in miniature: a loop that never consumes its buffer.
    const { api, feed } = stubClient((a) => {
      calls++;
      for (;;) a.emit('received', [], '');
    });
    const faults: DecoderFault[] = [];
    expect(guardDecoder(api as unknown as IBApi, (f) => faults.push(f))).toBeDefined();
    feed(frame);
    expect(faults).toHaveLength(1);
    expect(faults[0]!.code).toBe(ErrorCode.IB_DECODE);
    feed(frame);
    expect(calls).toBe(1);
  });

  test('a throw from inside the client library is contained and reported once', () => {
    const { api, feed } = stubClient(() => {
      throw new SyntaxError('Unexpected token n in JSON');
    });
    const faults: DecoderFault[] = [];
    guardDecoder(api as unknown as IBApi, (f) => faults.push(f));
    feed(frame);
    feed(frame);
    expect(faults.map((f) => f.code)).toEqual([ErrorCode.IB_DECODE]);
  });

  test('trip() from an event inside the decode loop unwinds the loop', () => {
    let decoded = 0;
    const { api, feed } = stubClient((a) => {
      for (let k = 0; k < 10; k++) {
        a.emit('received', [], '');
        decoded++;
        a.emit('error', new Error('505'), 505, -1);
      }
    });
    const faults: DecoderFault[] = [];
    const guard = guardDecoder(api as unknown as IBApi, (f) => faults.push(f))!;
    let errors = 0;
    api.on('error', () => {
      if (++errors === 3) guard.trip('budget');
    });
    feed(Buffer.concat(Array.from({ length: 10 }, () => frame)));
    expect(decoded).toBe(3);
    expect(faults).toHaveLength(1);
  });

  test('good frames reach the decoder untouched; a bad length after them stops the stream', () => {
    const seen: number[] = [];
    const { api, feed } = stubClient((_a, d) => seen.push(d.length));
    const faults: DecoderFault[] = [];
    guardDecoder(api as unknown as IBApi, (f) => faults.push(f));
    feed(Buffer.concat([frame, frame]));
    feed(Buffer.concat([frame, Buffer.from([0x80, 0, 0, 0, 1])]));
    expect(seen).toEqual([12, 6]);
    expect(faults.map((f) => f.code)).toEqual([ErrorCode.IB_BAD_FRAME]);
  });
});
