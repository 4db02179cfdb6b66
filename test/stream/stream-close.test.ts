// Close codes as docs/stream.md states them (issue 14): an in-process StreamServer on port 0 and real `ws`
// clients. Frames here are opaque bytes on the `status` topic: the clients never decode them.
import { afterEach, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { StreamClose } from '../../src/common/errors.js';
import { startServer, stopServers } from './in-process-server.js';

afterEach(stopServers);


interface Client {
  ws: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
}

function open(port: number): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/stream`);
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, closed }));
    ws.once('unexpected-response', () => reject(new Error('refused')));
  });
}

/** `/health` → `server.closes`: closes since start by code. */
async function closes(port: number): Promise<Record<string, number>> {
  const h = await (await fetch(`http://127.0.0.1:${port}/health`)).json() as { server: { closes: Record<string, number> } };
  return h.server.closes;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('close codes', () => {
  test.each([64 * 1024, 100 * 1024, 512 * 1024])('a control message of %i bytes closes with 1009 message too big, not 1006', async (size) => {
    const { port } = await startServer();
    const c = await open(port);
    c.ws.send(JSON.stringify({ op: 'subscribe', topics: ['x'.repeat(size)] }));
    expect(await c.closed).toEqual({ code: 1009, reason: StreamClose.MESSAGE_TOO_BIG.reason });
    expect(await closes(port)).toEqual({ 1009: 1 });
  });

  test('a subscriber paused for 20 s past the hard limit finds 4001 slow consumer once it reads again, not 1006', async () => {
    const { server, port } = await startServer();
    const c = await open(port);
    const subscribed = new Promise((r) => c.ws.once('message', r));
    c.ws.send(JSON.stringify({ op: 'subscribe', topics: ['status'] }));
    await subscribed;
    const socket = (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const frame = new Uint8Array(32 * 1024).fill(7);
    while (server.counters().closedSlow === 0) {
      server.status(frame);
      await sleep(2);
    }
    // Longer than uWS's 16 s close timeout (the ping margin of idleTimeout 120).
    await sleep(20_000);
    socket.resume();
    expect(await c.closed).toEqual({ code: 4001, reason: StreamClose.SLOW_CONSUMER.reason });
    expect(await closes(port)).toEqual({ 4001: 1 });
  }, 60_000);

  test('past --max-connections an upgrade is 503 TOO_MANY_CONNECTIONS and counted; a freed slot is taken again', async () => {
    const { port } = await startServer({ maxConnections: 3 });
    const held = await Promise.all([open(port), open(port), open(port)]);
    await expect(open(port)).rejects.toThrow('refused');
    const h = await (await fetch(`http://127.0.0.1:${port}/health`)).json() as { server: { refused: { connections: number }; connections: number } };
    expect([h.server.refused.connections, h.server.connections]).toEqual([1, 3]);
    held[0]!.ws.close();
    await held[0]!.closed;
    await sleep(50);
    const again = await open(port);
    again.ws.close();
  });
});
