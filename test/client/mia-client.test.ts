// MiaClient against a hand-written stub of the stream server (a `ws` server on port 0 that speaks the
// docs/stream.md protocol as far as these tests need): real sockets, real frames, no mocks of the client.
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, test, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { MiaClient, type MiaClientOptions, type ReconnectInfo } from '../../src/client/mia-client.js';
import type { ControlReply, StreamMessage } from '../../src/protocol/messages.js';
import { snapshotFrame, STATUS, statusFrame } from './stub-frames.js';

interface Control {
  op: string;
  topics?: string[];
}

/** The stub: records each connection's path and control messages, and replies to them like the real server. */
class StubServer {
  readonly sockets: WebSocket[] = [];
  readonly paths: string[] = [];
  readonly controls: Control[] = [];
  private readonly wss: WebSocketServer;

  private constructor(wss: WebSocketServer) {
    this.wss = wss;
    wss.on('connection', (ws, req) => {
      this.sockets.push(ws);
      this.paths.push(req.url ?? '');
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const c = JSON.parse(data.toString()) as Control;
        this.controls.push(c);
        if (c.op === 'ping') ws.send('{"type":"pong"}');
        else ws.send(JSON.stringify({ type: `${c.op}d`, topics: c.topics }));
      });
    });
  }

  static async start(): Promise<StubServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    return new StubServer(wss);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as { port: number }).port}/stream`;
  }

  /** The most recent connection. */
  get last(): WebSocket {
    const ws = this.sockets.at(-1);
    if (!ws) throw new Error('no connection yet');
    return ws;
  }

  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise((resolve) => this.wss.close(resolve));
  }
}

const clients: MiaClient[] = [];
const servers: StubServer[] = [];

async function setup(options: Omit<MiaClientOptions, 'url'> = {}): Promise<{ server: StubServer; client: MiaClient }> {
  const server = await StubServer.start();
  servers.push(server);
  // Short delays keep the reconnection tests quick; resetAfterMs keeps the backoff growing across drops.
  const client = new MiaClient({ url: server.url, reconnect: { initialDelayMs: 20, maxDelayMs: 200, resetAfterMs: 60_000 }, ...options });
  clients.push(client);
  return { server, client };
}

function collect<T>(client: MiaClient, event: 'message' | 'control' | 'error' | 'reconnecting'): T[] {
  const out: T[] = [];
  client.on(event, (x: unknown) => out.push(x as T));
  return out;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

describe('MiaClient against a stub server', () => {
  test('on connect it sends its topics as one JSON subscribe; subscribe and unsubscribe send control messages', async () => {
    const { server, client } = await setup({ topics: ['snapshot.ES', 'bar.ES.1m'] });
    await client.connect();
    await vi.waitFor(() => expect(server.controls).toHaveLength(1));
    client.subscribe(['status']);
    client.unsubscribe(['bar.ES.1m']);
    await vi.waitFor(() => expect(server.controls).toHaveLength(3));
    expect(server.paths).toEqual(['/stream']);
    expect(server.controls).toEqual([
      { op: 'subscribe', topics: ['snapshot.ES', 'bar.ES.1m'] },
      { op: 'subscribe', topics: ['status'] },
      { op: 'unsubscribe', topics: ['bar.ES.1m'] },
    ]);
    expect(client.topics).toEqual(['snapshot.ES', 'status']);
  });

  test('a binary Status frame arrives as the StatusMessage decodeFrame gives', async () => {
    const { server, client } = await setup();
    const messages = collect<StreamMessage>(client, 'message');
    await client.connect();
    server.last.send(statusFrame(STATUS));
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    expect(messages[0]).toEqual({ type: 'status', topic: 'status', ...STATUS });
  });

  test('a binary snapshot carries its sequence and stage times in µs; `frame` gives the bytes as sent', async () => {
    const { server, client } = await setup();
    const messages = collect<StreamMessage>(client, 'message');
    const frames: Uint8Array[] = [];
    client.on('frame', (b) => frames.push(b));
    await client.connect();
    const bytes = snapshotFrame('ES', 7, 1_700_000_000_000_000, 1_700_000_000_000_250);
    server.last.send(bytes);
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    expect(messages[0]).toMatchObject({ type: 'snapshot', topic: 'snapshot.ES', symbol: 'ES', sequence: 7, tradesTotal: 42 });
    expect(messages[0]).toHaveProperty('stages', {
      tickReceivedUs: 1_700_000_000_000_000,
      tapeCommittedUs: 1_700_000_000_000_001,
      kernelsDoneUs: 1_700_000_000_000_002,
      frameBuiltUs: 1_700_000_000_000_003,
      publishedUs: 1_700_000_000_000_250,
    });
    expect(frames.map((f) => Buffer.from(f))).toEqual([Buffer.from(bytes)]);
  });

  test('snapshots with volume nodes decode at any byte offset ws hands them over at', async () => {
    const { server, client } = await setup();
    const messages = collect<StreamMessage>(client, 'message');
    const errors = collect<Error>(client, 'error');
    await client.connect();
    // Frames of 126 bytes and more have a 4-byte WebSocket header, so their payload starts 4 bytes into
    // the socket's read buffer; text frames of assorted lengths in between shift the next offsets further.
    const session = { poc: 5100.25, vwap: 5099.5, hvn: [5100.25, 5098], lvn: [5095.5] };
    for (let i = 0; i < 8; i++) {
      server.last.send(snapshotFrame('ES', i, 1_700_000_000_000_000, 1_700_000_000_000_100, session));
      server.last.send(JSON.stringify({ type: 'pong', pad: 'x'.repeat(i) }));
    }
    await vi.waitFor(() => expect(messages.length + errors.length).toBe(8));
    expect(errors).toEqual([]);
    for (const m of messages) expect(m).toMatchObject({ type: 'snapshot', frames: [{ timeframe: '1m', session: { poc: 5100.25, vwap: 5099.5, hvn: [5100.25, 5098], lvn: [5095.5] } }] });
  });

  test('format json asks for ?format=json and parses text frames into messages', async () => {
    const { server, client } = await setup({ format: 'json' });
    const messages = collect<StreamMessage>(client, 'message');
    await client.connect();
    const status = { type: 'status', topic: 'status', ...STATUS };
    server.last.send(JSON.stringify(status));
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    expect(server.paths).toEqual(['/stream?format=json']);
    expect(messages[0]).toEqual(status);
  });

  test('control replies go to `control`, never to `message`', async () => {
    const { server, client } = await setup({ topics: ['snapshot.ES'] });
    const messages = collect<StreamMessage>(client, 'message');
    const replies = collect<ControlReply>(client, 'control');
    await client.connect();
    client.ping();
    await vi.waitFor(() => expect(replies).toHaveLength(2));
    server.last.send('{"type":"error","code":"MIA_ERR_UNKNOWN_TOPIC","message":"unknown topic \\"snapshot.XX\\""}');
    await vi.waitFor(() => expect(replies).toHaveLength(3));
    expect(replies).toEqual([
      { type: 'subscribed', topics: ['snapshot.ES'] },
      { type: 'pong' },
      { type: 'error', code: 'MIA_ERR_UNKNOWN_TOPIC', message: 'unknown topic "snapshot.XX"' },
    ]);
    expect(messages).toEqual([]);
  });

  test('when the server drops the socket it reconnects with growing delays and re-subscribes to every current topic', async () => {
    const { server, client } = await setup({ topics: ['snapshot.ES'] });
    const reconnects = collect<ReconnectInfo>(client, 'reconnecting');
    const closes: { code: number }[] = [];
    client.on('close', (c) => closes.push(c));
    client.on('error', () => {}); // a dropped socket may report ECONNRESET
    await client.connect();
    client.subscribe(['bar.ES.1m', 'status']);
    client.unsubscribe(['status']);
    await vi.waitFor(() => expect(server.controls).toHaveLength(3));

    server.last.terminate();
    await vi.waitFor(() => expect(server.sockets).toHaveLength(2));
    await vi.waitFor(() => expect(server.controls).toHaveLength(4));
    expect(server.controls[3]).toEqual({ op: 'subscribe', topics: ['snapshot.ES', 'bar.ES.1m'] });

    server.last.close(1001, 'server shutting down');
    await vi.waitFor(() => expect(server.sockets).toHaveLength(3));
    await vi.waitFor(() => expect(server.controls).toHaveLength(5));
    expect(server.controls[4]).toEqual({ op: 'subscribe', topics: ['snapshot.ES', 'bar.ES.1m'] });

    expect(closes.map((c) => c.code)).toEqual([1006, 1001]);
    expect(reconnects.map((r) => r.attempt)).toEqual([1, 2]);
    // 20 ms then 40 ms, each within ±20 % jitter.
    expect(reconnects[0]!.delayMs).toBeGreaterThanOrEqual(16);
    expect(reconnects[0]!.delayMs).toBeLessThanOrEqual(24);
    expect(reconnects[1]!.delayMs).toBeGreaterThanOrEqual(32);
    expect(reconnects[1]!.delayMs).toBeLessThanOrEqual(48);
  });

  test('close() stops reconnecting, and connect() after it is refused', async () => {
    const { server, client } = await setup({ topics: ['snapshot.ES'] });
    client.on('error', () => {});
    await client.connect();
    const scheduled = once(client, 'reconnecting');
    server.last.terminate();
    await scheduled;
    await client.close();
    // Five times the longest delay the policy allows, so that a retry that was still due would have come.
    await sleep(1_000);
    expect(server.sockets).toHaveLength(1);
    await expect(client.connect()).rejects.toMatchObject({ code: 'MIA_ERR_CLIENT_CLOSED' });
  });

  test('close() on an open connection closes it with 1000 and does not reconnect', async () => {
    const { server, client } = await setup();
    const reconnects = collect<ReconnectInfo>(client, 'reconnecting');
    await client.connect();
    const serverSide = once(server.last, 'close');
    await client.close();
    const [code] = (await serverSide) as [number];
    expect(code).toBe(1000);
    expect(client.isOpen).toBe(false);
    expect(reconnects).toEqual([]);
  });

  test('a garbage binary frame is an error with code MIA_ERR_BAD_FRAME and the client keeps working', async () => {
    const { server, client } = await setup();
    const messages = collect<StreamMessage>(client, 'message');
    const errors = collect<Error & { code?: string }>(client, 'error');
    await client.connect();
    server.last.send(Buffer.from('definitely not a flatbuffer'));
    server.last.send(new Uint8Array([12, 0, 0, 0, 0x4d, 0x49, 0x41, 0x46, 255, 255, 255, 255])); // MIAF, broken offsets
    server.last.send('{not json');
    server.last.send(statusFrame(STATUS));
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    expect(errors.map((e) => e.code)).toEqual(['MIA_ERR_BAD_FRAME', 'MIA_ERR_BAD_FRAME', 'MIA_ERR_BAD_FRAME']);
    expect(messages[0]).toMatchObject({ type: 'status', tradesTotal: STATUS.tradesTotal });
    expect(client.isOpen).toBe(true);
  });

  test('without reconnection a refused first connection rejects connect()', async () => {
    const { server } = await setup();
    const url = server.url;
    await server.stop();
    servers.length = 0;
    const client = new MiaClient({ url, reconnect: false });
    clients.push(client);
    client.on('error', () => {});
    await expect(client.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
