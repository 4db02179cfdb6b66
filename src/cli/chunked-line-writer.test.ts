import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { describe, expect, test } from 'vitest';
import { ChunkedLineWriter } from './chunked-line-writer.js';

/** A stream that records each write and pushes back after `highWaterMark` bytes until its callbacks run. */
function recorder(highWaterMark: number): { stream: Writable; writes: string[] } {
  const writes: string[] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, done) {
      writes.push(chunk.toString());
      setImmediate(done);
    },
  });
  return { stream, writes };
}

describe('ChunkedLineWriter', () => {
  test('every line once, in order, newline-terminated, in far fewer writes than lines', async () => {
    const { stream, writes } = recorder(1 << 20);
    const w = new ChunkedLineWriter(stream);
    const lines = Array.from({ length: 5000 }, (_, i) => `{"bar":${i},"pad":"${'x'.repeat(i % 97)}"}`);
    for (const l of lines) w.line(l);
    await w.end();
    stream.end();
    await finished(stream); // the recorder takes writes one turn apart: let it take all of them
    expect(writes.join('')).toBe(lines.map((l) => `${l}\n`).join(''));
    expect(writes.length).toBeLessThan(lines.length / 50);
  });

  test('drained waits for a stream that pushed back, and resolves at once otherwise', async () => {
    const { stream, writes } = recorder(16);
    const w = new ChunkedLineWriter(stream);
    let resolved = false;
    await w.drained(); // nothing written: nothing to wait for
    w.line('a'.repeat(70_000)); // one chunk past the stream's 16-byte mark
    const wait = w.drained().then(() => (resolved = true));
    expect(resolved).toBe(false);
    await wait;
    expect(writes).toEqual(['a'.repeat(70_000) + '\n']);
  });

  test('end with nothing gathered writes nothing', async () => {
    const { stream, writes } = recorder(16);
    await new ChunkedLineWriter(stream).end();
    expect(writes).toEqual([]);
  });

  test('text lines are UTF-8, and lines encoders write byte by byte may span chunks', async () => {
    const { stream, writes } = recorder(1 << 20);
    const w = new ChunkedLineWriter(stream);
    w.line('prix 4 800,25 € 😀');
    // 100 KiB written in 1 KiB pieces, each reserved first: more than one chunk holds.
    for (let i = 0; i < 100; i++) {
      w.reserve(1024);
      w.buf.fill(97 + (i % 26), w.pos, w.pos + 1024);
      w.pos += 1024;
    }
    w.endLine();
    await w.end();
    stream.end();
    await finished(stream);
    const long = Array.from({ length: 100 }, (_, i) => String.fromCharCode(97 + (i % 26)).repeat(1024)).join('');
    expect(writes.join('')).toBe(`prix 4 800,25 € 😀\n${long}\n`);
    expect(writes.length).toBeGreaterThan(1);
  });
});
