import type { EngineStatus } from '../engine/engine-events.js';

/** The IB connection's states (src/adapters/ib/ib-connection.ts, ConnectionState). */
const CONNECTION_STATES = ['connecting', 'connected', 'backoff', 'closed'] as const;
/** An IB data farm's states (the 2103/2104/2105/2106/2107/2108/2157/2158 messages). */
const FARM_STATES = ['ok', 'broken', 'inactive'] as const;

type Emit = (labels: Record<string, string | number>, value: number) => void;

/**
 * The IB connection's state or its data farms' states as state sets (1 for the current state, 0 for the
 * others), read from the status's `sourceDetail`, the adapter's own health (`connection.state`,
 * `connection.farms`: name → {kind, status}). Nothing for sources other than IB. The stream reads the
 * adapter's health as data, not its types: adapters sit beside the stream in the layer map.
 */
export function ibSamples(status: EngineStatus, what: 'connection' | 'farms', emit: Emit): void {
  if (status.source !== 'ib') return;
  const connection = record(status.sourceDetail?.['connection']);
  if (!connection) return;
  if (what === 'connection') {
    const state = typeof connection['state'] === 'string' ? connection['state'] : 'unknown';
    const states: readonly string[] = CONNECTION_STATES.includes(state as never) ? CONNECTION_STATES : [...CONNECTION_STATES, state];
    for (const s of states) emit({ state: s }, s === state ? 1 : 0);
    return;
  }
  for (const [farm, v] of Object.entries(record(connection['farms']) ?? {})) {
    const f = record(v);
    if (!f) continue;
    const kind = String(f['kind'] ?? '');
    const state = String(f['status'] ?? '');
    const states: readonly string[] = FARM_STATES.includes(state as never) ? FARM_STATES : [...FARM_STATES, state];
    for (const s of states) emit({ farm, kind, state: s }, s === state ? 1 : 0);
  }
}

function record(x: unknown): Record<string, unknown> | undefined {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
}
