// What uWS (uWebSockets.js 20.30, uWebSockets v20.4x: src/HttpParser.h getHeaders / fenceAndConsumePostPadded,
// src/HttpRouter.h, src/HttpContext.h) does with the bytes of one request written on a fresh connection, so the
// HTTP fuzzer knows which requests must be answered. That parser returns the same "nothing yet" for a request
// that is incomplete and for one it cannot parse (a request line other than `METHOD /target HTTP/1.1`, a header
// name with a byte other than a letter, digit or '-', such as RFC 9110's `_` or `!`, a control byte in a value):
// it keeps such bytes and waits for more, closing the connection only past 4 KiB of them or at its 10 s idle
// timeout. So a malformed request gets no answer and its connection stays open: uWS's behaviour, not ours.

/** `answer`: a route handler answers; `close`: uWS closes without a word; `pending`: uWS holds the bytes, waiting. */
export type UwsOutcome = 'answer' | 'close' | 'pending';

/** uWS buffers at most this much of a request it cannot parse yet (MAX_FALLBACK_SIZE), then closes. */
const MAX_FALLBACK_BYTES = 4096;
/** Header lines uWS parses (HttpRequest::MAX_HEADERS 50, less the request line and the end marker). */
const MAX_HEADER_LINES = 48;
/** The methods `app.any` registers (HttpRouter::upperCasedMethods); any other has no route and is closed. */
const METHODS = new Set(['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

const CR = 13;
const LF = 10;

/** uWS's isFieldNameByte: letters, digits and '-' (RFC 9110 16.3.1's advice for new names, not 5.1's token). */
function isFieldNameByte(x: number | undefined): boolean {
  return x !== undefined && (x === 0x2d || (x >= 0x30 && x <= 0x39) || (x >= 0x41 && x <= 0x5a) || (x >= 0x61 && x <= 0x7a));
}

/** The method and headers of the request at the start of `b` (names lower case, values trimmed), or undefined if uWS finds none. */
export function parseAsUws(b: Uint8Array): { method: string; headers: Array<[string, string]> } | undefined {
  const text = (from: number, to: number): string => Buffer.from(b.subarray(from, to)).toString('latin1');
  let i = 0;
  // The method ends at the first byte ≤ 32; uWS reads it through a signed char, so bytes ≥ 0x80 end it too.
  while (i < b.length && b[i]! > 32 && b[i]! < 0x80) i++;
  if (b[i] !== 0x20 || b[i + 1] !== 0x2f) return undefined;
  const method = text(0, i);
  i++;
  while (i < b.length && b[i]! > 32) i++;
  if (text(i, i + 11) !== ' HTTP/1.1\r\n') return undefined;
  i += 11;
  const headers: Array<[string, string]> = [];
  for (let n = 0; n < MAX_HEADER_LINES; n++) {
    const nameFrom = i;
    while (isFieldNameByte(b[i])) i++;
    if (b[i] !== 0x3a) return undefined;
    const name = text(nameFrom, i).toLowerCase();
    const valueFrom = ++i;
    // A value runs to CR: any byte above 31 and tab; any other control byte makes the request unparsable.
    while (i < b.length && (b[i]! > 31 || b[i] === 9)) i++;
    if (b[i] !== CR || b[i + 1] !== LF) return undefined;
    headers.push([name, text(valueFrom, i).replace(/^[\0- ]+|[\0- ]+$/g, '')]);
    i += 2;
    if (b[i] === CR) return b[i + 1] === LF ? { method, headers } : undefined;
  }
  return undefined;
}

/** What uWS does with `raw`, the whole of what a client sends on a new connection (see the file comment). */
export function uwsOutcome(raw: Uint8Array): UwsOutcome {
  const req = parseAsUws(raw);
  if (!req) return raw.length >= MAX_FALLBACK_BYTES ? 'close' : 'pending';
  // Header lookups stop at the first header with an empty name (uWS's end-of-headers marker).
  const end = req.headers.findIndex(([name]) => name === '');
  const seen = end < 0 ? req.headers : req.headers.slice(0, end);
  const header = (name: string): string | undefined => seen.find(([k]) => k === name)?.[1];
  if (header('host') === undefined) return 'close';
  // Both framings at once: a request-smuggling attempt (RFC 9112 6.3), refused before any handler.
  if (header('transfer-encoding') && header('content-length')) return 'close';
  return METHODS.has(req.method) ? 'answer' : 'close';
}
