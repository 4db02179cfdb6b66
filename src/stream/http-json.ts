import type uWS from 'uWebSockets.js';

/** Answers `res` with `status` and `body` as JSON, corked (one write). */
export function respondJson(res: uWS.HttpResponse, status: string, body: unknown): void {
  res.cork(() => res.writeStatus(status).writeHeader('content-type', 'application/json').end(JSON.stringify(body)));
}

/**
 * Answers `res` once `body` resolves (200 with `contentType`), or with `failure(e)`'s code as a 500; a client gone
 * meanwhile gets nothing (uWS forbids touching an aborted response).
 */
export function respondLater(res: uWS.HttpResponse, contentType: string, body: Promise<string>, failure: (e: unknown) => { code: string; message: string }): void {
  let aborted = false;
  res.onAborted(() => (aborted = true));
  body.then(
    (text) => {
      if (!aborted) res.cork(() => res.writeStatus('200 OK').writeHeader('content-type', contentType).end(text));
    },
    (e: unknown) => {
      const answer = failure(e);
      if (!aborted) respondJson(res, '500 Internal Server Error', answer);
    },
  );
}
