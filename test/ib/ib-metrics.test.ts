// The IB families of /metrics read the IB adapter's health as data (the stream may not import the adapter): this
// holds their reading to the health a real IbSource reports, against the TWS-protocol test server.
import { afterEach, describe, expect, test } from 'vitest';
import type { EngineStatus } from '../../src/engine/engine-events.js';
import { ibSamples } from '../../src/stream/ib-metrics.js';
import { IbSessions, pollUntil } from './harness.js';

const sessions = new IbSessions();
afterEach(() => sessions.closeAll());

/** The samples of one IB family for a status whose source detail is `detail`. */
function samples(detail: Record<string, unknown>, what: 'connection' | 'farms'): Array<[Record<string, string | number>, number]> {
  const out: Array<[Record<string, string | number>, number]> = [];
  ibSamples({ source: 'ib', sourceDetail: detail } as unknown as EngineStatus, what, (labels, value) => out.push([labels, value]));
  return out;
}

describe('IB connection and data-farm metrics from IbSource.health()', () => {
  test('connected, then a market farm broken and back: state sets with 1 for the current state', async () => {
    const { s, src, sink } = await sessions.open();
    expect(samples(src.health(), 'connection')).toEqual([
      [{ state: 'connecting' }, 0], [{ state: 'connected' }, 1], [{ state: 'backoff' }, 0], [{ state: 'closed' }, 0],
    ]);
    s.sendError(-1, 2103, 'Market data farm connection is broken:usfarm');
    const farm = (): unknown => (src.health().connection as { farms: Record<string, unknown> }).farms['usfarm'];
    await pollUntil(src, sink, () => (farm() as { status?: string } | undefined)?.status === 'broken', 5000, 'farm broken');
    // The test server also reports its other farms at connect: usfarm's three states are these.
    expect(samples(src.health(), 'farms').filter(([l]) => l['farm'] === 'usfarm')).toEqual([
      [{ farm: 'usfarm', kind: 'market', state: 'ok' }, 0], [{ farm: 'usfarm', kind: 'market', state: 'broken' }, 1],
      [{ farm: 'usfarm', kind: 'market', state: 'inactive' }, 0],
    ]);
    s.sendError(-1, 2104, 'Market data farm connection is OK:usfarm');
    await pollUntil(src, sink, () => (farm() as { status: string }).status === 'ok', 5000, 'farm back');
    expect(samples(src.health(), 'farms').filter(([l, v]) => l['farm'] === 'usfarm' && v === 1)).toEqual([[{ farm: 'usfarm', kind: 'market', state: 'ok' }, 1]]);
    // Every farm reported has exactly one current state.
    const current = samples(src.health(), 'farms').filter(([, v]) => v === 1).map(([l]) => l['farm']);
    expect(current.length).toBe(new Set(current).size);
    expect(current).toContain('usfarm');
  });
});
