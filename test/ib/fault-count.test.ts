// Each dropped IB connection has exactly one counted cause (docs/hostile-input.md "TWS"). Found by the in-process
// TWS fuzz (issue 14) after 13,972 cases on a loaded machine: a bad frame condemns the connection, which is dropped
// one turn of the event loop later; a heartbeat verdict that fell due in between counted a stall for the same drop
// (badFrames 1 + heartbeatStalls 1 for 1 disconnect). Reproduced deterministically: the frame arrives inside a
// setImmediate callback (so the drop waits for the next loop's check phase) and the thread then stays busy past the
// heartbeat timeout (so the heartbeat's interval, due first in that loop, sees a silent connection).
import { afterEach, describe, expect, test } from 'vitest';
import { InMemoryGateway, openGatewaySession, type GatewaySession } from './in-memory-gateway.js';

type Counts = { disconnects: number; badFrames: number; decoderFaults: number; heartbeatStalls: number };

const gateway = new InMemoryGateway();
let session: GatewaySession | undefined;

afterEach(() => {
  session?.connection.close();
  gateway.uninstall();
});

async function until(cond: () => boolean): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe('IB connection fault accounting', () => {
  test('a bad frame followed by an overdue heartbeat counts one cause for its one drop', async () => {
    gateway.install();
    const s = openGatewaySession({ heartbeatMs: 20, heartbeatTimeoutMs: 60 });
    session = s;
    await until(s.up);
    const counts = (): Counts => s.connection.health() as unknown as Counts;
    const before = counts();
    await new Promise<void>((resolve) => setImmediate(() => {
      // A length prefix of 0: not TWS framing, MIA_ERR_IB_BAD_FRAME.
      gateway.current!.deliver(Buffer.from([0, 0, 0, 0]));
      const busyUntil = performance.now() + 100;
      while (performance.now() < busyUntil) { /* the thread held past the 60 ms heartbeat timeout */ }
      resolve();
    }));
    await until(() => counts().disconnects > before.disconnects && s.up());
    const after = counts();
    expect({
      drops: after.disconnects - before.disconnects,
      badFrames: after.badFrames - before.badFrames,
      heartbeatStalls: after.heartbeatStalls - before.heartbeatStalls,
    }).toEqual({ drops: 1, badFrames: 1, heartbeatStalls: 0 });
  });
});
