// Starts `mia serve` as a child process (the built CLI, as users run it) and opens real `ws` clients to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { decodeFrame } from '../../src/protocol/frame-decoder.js';
import type { StreamMessage } from '../../src/protocol/messages.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A running server. */
export interface Served {
  port: number;
  proc: ChildProcess;
  stderr: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts `mia serve ARGS --port 0` (with `env` added to the environment) and resolves once it listens. */
export function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const proc = spawn(process.execPath, ['bin/mia.js', 'serve', '--port', '0', ...args], {
    cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env },
  });
  let err = '';
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /"port":(\d+),"msg":"Stream server listening"/.exec(err);
      if (m) resolve({ port: Number(m[1]), proc, stderr: () => err, exited });
    });
    void exited.then((code) => reject(new Error(`mia serve exited (${code}) before listening: ${err}`)));
  });
}

/** A connected client that records what it receives. */
export interface TestClient {
  ws: WebSocket;
  /** Data frames decoded (binary via decodeFrame, JSON parsed), in arrival order. */
  messages: StreamMessage[];
  /** The raw binary frames, for format comparisons. */
  raw: Uint8Array[];
  /** Control replies. */
  replies: { type: string; code?: string; topics?: string[] }[];
  closed: Promise<{ code: number; reason: string }>;
}

/** Connects to /stream (binary or JSON) and subscribes to `topics` once open. */
export function connect(port: number, format: 'binary' | 'json', topics: string[]): Promise<TestClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/stream${format === 'json' ? '?format=json' : ''}`);
  const c: TestClient = {
    ws, messages: [], raw: [], replies: [],
    closed: new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
  };
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) {
      const bytes = new Uint8Array(data);
      c.raw.push(bytes);
      c.messages.push(decodeFrame(bytes));
      return;
    }
    const m = JSON.parse(data.toString()) as { type: string };
    if (['snapshot', 'bar', 'status', 'signal', 'risk', 'alert'].includes(m.type)) c.messages.push(m as StreamMessage);
    else c.replies.push(m);
  });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => {
      if (topics.length > 0) ws.send(JSON.stringify({ op: 'subscribe', topics }));
      resolve(c);
    });
  });
}

/** Polls `cond` every 20 ms until it holds (the test's own timeout bounds the wait). */
export async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}

/** A loopback port free a moment ago (the kernel's choice for a server at once closed): for a TWS test server that must come back on the same port, or a fixed --port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Kills what a test left running (servers, then other children) and waits for the servers to exit; empties both lists. */
export async function killAll(served: Served[], children: ChildProcess[]): Promise<void> {
  for (const s of served.splice(0)) {
    if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await s.exited;
  }
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
}
