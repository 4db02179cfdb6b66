/**
 * The engine's error catalogue. Every failure a user can meet has a stable `MIA_ERR_*` code, one factory
 * here, and a line of documentation. Codes survive structured clone (workers return `{ ok: false, code }`)
 * and are what tests and callers match on, never message text.
 */

/** Stable error codes, documented in README "Error codes". */
export const ErrorCode = {
  /** A CSV row could not be parsed (missing field, bad number, unknown side). */
  BAD_ROW: 'MIA_ERR_BAD_ROW',
  /** A CSV file has no usable header (no timestamp, price or size column). */
  BAD_HEADER: 'MIA_ERR_BAD_HEADER',
  /** A DBN file or record is malformed (bad magic, unsupported version, truncated record, corrupt metadata), or its zstd data is corrupt. */
  BAD_RECORD: 'MIA_ERR_BAD_RECORD',
  /** A price is NaN, infinite, not positive, or outside the instrument's plausible range (docs/hostile-input.md). */
  BAD_PRICE: 'MIA_ERR_BAD_PRICE',
  /** A size is NaN, negative, zero, or not representable at the instrument's size precision. */
  BAD_SIZE: 'MIA_ERR_BAD_SIZE',
  /** A timestamp is earlier than the one before it on the same tape. */
  OUT_OF_ORDER: 'MIA_ERR_OUT_OF_ORDER',
  /** The input file does not exist or cannot be read, or its gzip data is corrupt or truncated. */
  INPUT_UNREADABLE: 'MIA_ERR_INPUT_UNREADABLE',
  /** The input's format could not be recognised. */
  UNKNOWN_FORMAT: 'MIA_ERR_UNKNOWN_FORMAT',
  /** A file holds trades of more than one instrument and no --symbol chose one. */
  MULTIPLE_INSTRUMENTS: 'MIA_ERR_MULTIPLE_INSTRUMENTS',
  /** The --symbol given is not in the file. */
  UNKNOWN_SYMBOL: 'MIA_ERR_UNKNOWN_SYMBOL',
  /** A symbol's trade tape is full: the memory plan was too small for the run. */
  TAPE_FULL: 'MIA_ERR_TAPE_FULL',
  /** A trade's price row fell outside the profile grid of its session. */
  PRICE_OUT_OF_GRID: 'MIA_ERR_PRICE_OUT_OF_GRID',
  /**
   * A component was given a configuration it cannot run: a kernel's tick size, timeframe or share; an
   * indicator's period; risk, signal, broker, pacer or backoff settings.
   */
  BAD_CONFIG: 'MIA_ERR_BAD_CONFIG',
  /** A command-line argument is invalid. */
  BAD_ARGUMENT: 'MIA_ERR_BAD_ARGUMENT',
  /** The stream server's port is taken (another `mia serve`, or any other program listening on it). */
  PORT_IN_USE: 'MIA_ERR_PORT_IN_USE',
  /** `--bus`: the NATS server could not be reached at start, refused the credentials, or has no JetStream (`-js`). */
  BUS_CONNECT: 'MIA_ERR_BUS_CONNECT',
  /** `--bus`: a JetStream stream refused a message because it reached its limits (discard new): reported, not fatal. */
  BUS_STREAM_FULL: 'MIA_ERR_BUS_STREAM_FULL',
  /** `--bus`: a node lost the lease of a symbol (another node took it, or NATS was out of reach past the lease): it stops publishing the symbol. */
  BUS_LEASE_LOST: 'MIA_ERR_BUS_LEASE_LOST',
  /** `--bus`: a trades append was refused because another node appended to the symbol since (the appender lost its lease): dropped, counted. */
  BUS_TRADES_FENCED: 'MIA_ERR_BUS_TRADES_FENCED',
  /** `--bus`: trades held while no node owned a symbol were dropped (the hold's cap) before this node took it over: its stream and state miss them. */
  BUS_TRADES_LOST: 'MIA_ERR_BUS_TRADES_LOST',
  /** A kernel returned a status the glue does not know: a build mismatch between asm and src. */
  KERNEL_STATUS: 'MIA_ERR_KERNEL_STATUS',
  /** A worker task failed in an unexpected way. */
  WORKER_FAILED: 'MIA_ERR_WORKER_FAILED',
  /** No connection to TWS / IB Gateway within the start-up time (wrong host or port, API disabled). */
  IB_CONNECT: 'MIA_ERR_IB_CONNECT',
  /** An IB contract could not be resolved (no front-month listing for the symbol, error 200). */
  IB_CONTRACT: 'MIA_ERR_IB_CONTRACT',
  /** An order was refused before reaching IB: not paper trading, no approval, or disconnected. */
  IB_ORDER_REFUSED: 'MIA_ERR_IB_ORDER_REFUSED',
  /** A bar or snapshot the signal engine reads lacks a field or has a non-finite number. */
  BAD_SIGNAL_INPUT: 'MIA_ERR_BAD_SIGNAL_INPUT',
  /** An order request is malformed: quantity, a price missing or off the tick grid, an unknown instrument. */
  BAD_ORDER: 'MIA_ERR_BAD_ORDER',
  /** An output folder (backtest, train) cannot be created or written, or an output file could not be written. */
  OUTPUT_UNWRITABLE: 'MIA_ERR_OUTPUT_UNWRITABLE',
  /** Models (`--models`) were trained on features computed with other settings than the run's: named in the message. */
  MODEL_MISMATCH: 'MIA_ERR_MODEL_MISMATCH',
  /** Stream control reply: not JSON, not an object, binary, an unknown op, or topics not a list of strings. */
  BAD_CONTROL: 'MIA_ERR_BAD_CONTROL',
  /** Stream control reply: a topic the engine does not publish (the other topics of the message still apply). */
  UNKNOWN_TOPIC: 'MIA_ERR_UNKNOWN_TOPIC',
  /** Client: bytes or text that are not a MIA frame (the client reports it and carries on). */
  BAD_FRAME: 'MIA_ERR_BAD_FRAME',
  /** Client: `connect()` was pending when `close()` was called, or was called after it. */
  CLIENT_CLOSED: 'MIA_ERR_CLIENT_CLOSED',
  /** HTTP 503: `/health` asked before the engine finished starting. */
  NOT_READY: 'MIA_ERR_NOT_READY',
  /** HTTP 404: `/snapshot/<SYMBOL>` before any snapshot of that symbol. */
  NO_SNAPSHOT: 'MIA_ERR_NO_SNAPSHOT',
  /** HTTP 404: a route the stream server does not serve. */
  NOT_FOUND: 'MIA_ERR_NOT_FOUND',
  /** HTTP 404: `/bars/<SYMBOL>/<TF>` of a symbol or timeframe the engine does not publish bars of. */
  NO_BARS: 'MIA_ERR_NO_BARS',
  /** HTTP 500: `GET /metrics` could not be rendered (logged); a metrics source that throws is counted instead. */
  METRICS_FAILED: 'MIA_ERR_METRICS_FAILED',
  /** HTTP 503: `GET /` while the dashboard is not built (no web/dist/index.html: run `npm run build:web`). */
  DASHBOARD_NOT_BUILT: 'MIA_ERR_DASHBOARD_NOT_BUILT',
  /**
   * `mia report`: the journal cannot be read: no such file, not a DuckDB database, locked by a running writer,
   * or lacking a table or column the report reads (named in the message).
   */
  JOURNAL_UNREADABLE: 'MIA_ERR_JOURNAL_UNREADABLE',
  /** The journal (`--journal PATH`) cannot be opened or its first writes fail: locked by another process, unwritable, not a DuckDB file. */
  JOURNAL_OPEN: 'MIA_ERR_JOURNAL_OPEN',
  /** A journal write failed while running (disk full, file removed): logged once, journaling stops, the engine goes on. */
  JOURNAL_WRITE: 'MIA_ERR_JOURNAL_WRITE',
  /** `mia journal query|export|archive`: the SQL or the request failed (the message has DuckDB's reason). */
  JOURNAL_QUERY: 'MIA_ERR_JOURNAL_QUERY',
  /** HTTP 403: a request or WebSocket upgrade whose Host is not the server's (DNS rebinding; `--allow-host`). */
  FORBIDDEN_HOST: 'MIA_ERR_FORBIDDEN_HOST',
  /** HTTP 403: a request or WebSocket upgrade from a page of another origin (`--allow-origin`). */
  FORBIDDEN_ORIGIN: 'MIA_ERR_FORBIDDEN_ORIGIN',
  /** HTTP 401: a token is configured (`--auth-token-file`, `MIA_AUTH_TOKEN`) and the request does not carry it. */
  UNAUTHORIZED: 'MIA_ERR_UNAUTHORIZED',
  /** HTTP 503 on the WebSocket upgrade: the server already holds `--max-connections` connections. */
  TOO_MANY_CONNECTIONS: 'MIA_ERR_TOO_MANY_CONNECTIONS',
  /** HTTP 400 on the WebSocket upgrade: `/stream?format=` is neither `binary` nor `json`. */
  BAD_STREAM_FORMAT: 'MIA_ERR_BAD_STREAM_FORMAT',
  /** A trade's time is outside 1970-01-01 (the epoch) to 2100-01-01 (docs/hostile-input.md), refused before the kernels see it. */
  TIMESTAMP_OUT_OF_RANGE: 'MIA_ERR_TIMESTAMP_OUT_OF_RANGE',
  /** IB: the gateway's bytes are not TWS framing (a length outside 1..0xffffff, a message not ending in NUL): the connection is replaced. */
  IB_BAD_FRAME: 'MIA_ERR_IB_BAD_FRAME',
  /** IB: @stoqey/ib threw or looped on a message, or decode errors passed their per-second budget: the connection is replaced. */
  IB_DECODE: 'MIA_ERR_IB_DECODE',
  /** `mia serve`: shutdown after SIGINT/SIGTERM did not finish within its deadline (10 s); the stage is named; exit 1. */
  SHUTDOWN_TIMEOUT: 'MIA_ERR_SHUTDOWN_TIMEOUT',
  /** A kernel task in the pool ran past its 2 s budget: aborted (its worker terminated), counted, its symbol halted; never waited on. */
  TASK_TIMEOUT: 'MIA_ERR_TASK_TIMEOUT',
  /**
   * `mia serve`: the engine's thread ran nothing for over 2 s (logged by the watchdog thread with the stage it was
   * in; recovery is logged and counted); past 20 s the process exits with code 75.
   */
  ENGINE_STALLED: 'MIA_ERR_ENGINE_STALLED',
  /** `mia explain`: the file has no ML-scored decision at or before --at (docs/ml.md "Explanations"). */
  NO_DECISION: 'MIA_ERR_NO_DECISION',
  /**
   * `mia train --challenge`: the new models did not beat the running ones on the most recent out-of-sample block by
   * the margin; they are written with `challenge.approved: false` (exit 1).
   */
  CHALLENGER_LOST: 'MIA_ERR_CHALLENGER_LOST',
  /**
   * `mia serve --models-watch`: a new models directory is not approved by the champion/challenger gate, or not a
   * complete `mia train` output; refused (logged, counted), the running models stay.
   */
  MODEL_UNAPPROVED: 'MIA_ERR_MODEL_UNAPPROVED',
} as const;

/** One of the catalogue's codes. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Stable warning codes, documented in README "Error codes": something the user must know about a result that
 * is still produced (models that learned little, a shutdown IB did not confirm). Warnings are printed or logged
 * with their code and travel with what they qualify (a models manifest); they are never thrown.
 */
export const WarningCode = {
  /** A trained model's walk-forward AUC is not above 0.55, or cannot be computed: it does not separate winners from losers. */
  WEAK_MODEL: 'MIA_WARN_WEAK_MODEL',
  /** Fewer labelled samples than the documented minimum (docs/ml.md): the walk-forward metrics are mostly chance. */
  FEW_SAMPLES: 'MIA_WARN_FEW_SAMPLES',
  /** Shutdown of IB paper trading: IB had not confirmed every cancel and closing order within the wait. */
  IB_LIQUIDATION_TIMEOUT: 'MIA_WARN_IB_LIQUIDATION_TIMEOUT',
} as const;

/** One of the warning codes. */
export type WarningCodeValue = (typeof WarningCode)[keyof typeof WarningCode];

/**
 * WebSocket close codes and reasons the stream server ends a subscriber's connection with (docs/stream.md
 * "Close codes", which a test holds to this table). 1008 and 1009 are RFC 6455's policy and size codes;
 * 4001 is in the range RFC 6455 leaves to applications.
 */
export const StreamClose = {
  /** A control message larger than `--max-message-bytes`. */
  MESSAGE_TOO_BIG: { code: 1009, reason: 'message too big' },
  /** More control messages in one second than `--max-control-per-sec`. */
  CONTROL_RATE_LIMIT: { code: 1008, reason: 'control rate limit' },
  /** The subscriber's unsent bytes passed the hard backpressure limit. */
  SLOW_CONSUMER: { code: 4001, reason: 'slow consumer: backpressure limit' },
  /** Graceful shutdown of the server. */
  SHUTTING_DOWN: { code: 1001, reason: 'server shutting down' },
} as const;

/** An error with a catalogue code and optional structured details (file, row, field). */
export class MiaError extends Error {
  /** Catalogue code. */
  readonly code: ErrorCodeValue;
  /** Structured context for logs and callers. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCodeValue, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'MiaError';
    this.code = code;
    this.details = details;
  }
}

/** Where in an input a problem was found, for one-line error messages. */
export interface InputPosition {
  /** File path as the user gave it. */
  file: string;
  /** 1-based line number for text inputs (the header is line 1). */
  row?: number;
  /** 0-based record index for binary inputs. */
  record?: number;
}

function where(pos: InputPosition): string {
  if (pos.row !== undefined) return `${pos.file}: row ${pos.row}`;
  if (pos.record !== undefined) return `${pos.file}: record ${pos.record}`;
  return pos.file;
}

/** A malformed input row or record; the message names file, row or record, and the reason. */
export function inputError(code: ErrorCodeValue, pos: InputPosition, reason: string): MiaError {
  return new MiaError(code, `${where(pos)}: ${reason}`, { ...pos, reason });
}

/** INPUT_UNREADABLE for `path`: the file does not exist or a read failed (`reason` says which). */
export function unreadable(path: string, reason = 'cannot read the file'): MiaError {
  return new MiaError(ErrorCode.INPUT_UNREADABLE, `${path}: ${reason}`, { file: path });
}

/** BAD_RECORD for a zstd stream that cannot be decoded, with the decoder's or the framing's reason. */
export function corruptZstd(path: string, e: unknown): MiaError {
  return new MiaError(ErrorCode.BAD_RECORD, `${path}: zstd data is corrupt (${e instanceof Error ? e.message : String(e)})`, { file: path });
}

/** An invalid command-line argument or kernel configuration. */
export function configError(code: ErrorCodeValue, reason: string, details: Record<string, unknown> = {}): MiaError {
  return new MiaError(code, reason, details);
}

/** True when `e` carries one of the catalogue's codes. */
export function isMiaError(e: unknown): e is MiaError {
  return e instanceof MiaError;
}
