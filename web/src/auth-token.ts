/**
 * The stream's token when `mia serve` requires one (docs/stream.md "Who may connect"): the page is opened as
 * `http://HOST:PORT/#token=<token>`. The fragment never leaves the browser (not sent with the page request, not
 * in the server's logs); the page sends the token itself: as `Authorization: Bearer` on its requests, and as
 * `?token=` on the WebSocket URL, since a browser WebSocket cannot set headers.
 */
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';

/** Request headers that carry the token (none without one). */
export function authHeaders(): Record<string, string> {
  return token === '' ? {} : { authorization: `Bearer ${token}` };
}

/** `url` with the token as its `token` query parameter (unchanged without one). */
export function withToken(url: string): string {
  return token === '' ? url : `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}
