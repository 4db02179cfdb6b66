import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager } from 'nats';
import { ALL_STREAMS, TRADES_STREAM } from './bus-subjects.js';

/** Retention limits of MIA's streams (`--bus-max-age-h`, `--bus-max-bytes`). */
export interface StreamLimits {
  /** Oldest message kept, hours. */
  maxAgeHours: number;
  /** Bytes each stream may hold. */
  maxBytes: number;
}

/** Defaults: a trading day and a half of history, 1 GiB a stream. */
export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxAgeHours: 36, maxBytes: 1024 ** 3 };

/** Duplicate window of the streams: a bar republished by a new owner within it is dropped by its message id. */
const DUPLICATE_WINDOW_NS = 10 * 60 * 1e9;

/**
 * Creates MIA's streams, or (`update`, the nodes' call) sets their limits to `limits`; a gateway creates what is
 * missing and leaves existing streams alone, so its defaults never undo a node's `--bus-max-*`. File storage: a NATS restart keeps them. The trades stream discards new messages when full, so a
 * full stream is reported (MIA_ERR_BUS_STREAM_FULL) instead of silently losing the start of the session a new
 * owner would replay; the others discard the oldest.
 */
export async function ensureStreams(jsm: JetStreamManager, limits: StreamLimits, update = true): Promise<void> {
  for (const spec of ALL_STREAMS) {
    const config = {
      name: spec.name, subjects: spec.subjects, retention: RetentionPolicy.Limits, storage: StorageType.File,
      max_age: Math.round(limits.maxAgeHours * 3600 * 1e9), max_bytes: limits.maxBytes,
      discard: spec === TRADES_STREAM ? DiscardPolicy.New : DiscardPolicy.Old, duplicate_window: DUPLICATE_WINDOW_NS,
    };
    const exists = await jsm.streams.info(spec.name).then(() => true, () => false);
    if (exists) {
      if (update) await jsm.streams.update(spec.name, config);
    }
    else await jsm.streams.add(config);
  }
}

/** True when a JetStream publish failed because the stream is full (its limits reached with discard new). */
export function isStreamFull(e: unknown): boolean {
  // nats.js puts JetStream's answer under api_error (the message is only its status, "503").
  const api = (e as { api_error?: { description?: string } } | null)?.api_error;
  const text = `${api?.description ?? ''} ${e instanceof Error ? e.message : String(e)}`;
  return /maximum (bytes|messages)|resource limits exceeded|insufficient resources/i.test(text);
}

/** True when a JetStream publish with an expected last subject sequence failed because the subject moved on. */
export function isWrongLastSequence(e: unknown): boolean {
  const api = (e as { api_error?: { err_code?: number; description?: string } } | null)?.api_error;
  return api?.err_code === 10071 || /wrong last sequence/i.test(`${api?.description ?? ''} ${e instanceof Error ? e.message : String(e)}`);
}
