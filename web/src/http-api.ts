import type { BarJson, SnapshotMessage } from '../../src/protocol/messages.js';
import { authHeaders } from './auth-token.js';
import type { HealthJson } from './health-view.js';

/** The body of `GET /bars/<SYMBOL>/<TF>` (docs/stream.md "HTTP"): the closed bars of the current session. */
export interface BarsResponse {
  symbol: string;
  timeframe: string;
  sessionStart: string | null;
  truncated: boolean;
  bars: BarJson[];
}

async function getJson<T>(path: string, timeoutMs: number): Promise<T> {
  const res = await fetch(path, { cache: 'no-store', headers: authHeaders(), signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) {
    let detail = res.statusText;
    try {
      const body = (await res.json()) as { code?: string; message?: string };
      detail = `${body.code ?? res.status}: ${body.message ?? res.statusText}`;
    } catch {
      // The body was not JSON: the status line says enough.
    }
    throw new Error(`GET ${path}: ${detail}`);
  }
  return (await res.json()) as T;
}

/** The session's closed bars of a topic. */
export function fetchBars(symbol: string, timeframe: string): Promise<BarsResponse> {
  return getJson<BarsResponse>(`/bars/${encodeURIComponent(symbol)}/${encodeURIComponent(timeframe)}`, 15_000);
}

/** The latest snapshot of a symbol, or null before its first (404). */
export async function fetchSnapshot(symbol: string): Promise<SnapshotMessage | null> {
  try {
    return await getJson<SnapshotMessage>(`/snapshot/${encodeURIComponent(symbol)}`, 5000);
  } catch {
    return null;
  }
}

/** `GET /health`. */
export function fetchHealth(): Promise<HealthJson> {
  return getJson<HealthJson>('/health', 5000);
}
