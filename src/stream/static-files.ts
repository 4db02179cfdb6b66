import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type uWS from 'uWebSockets.js';
import { ErrorCode } from '../common/errors.js';
import { packageFile } from '../common/package-root.js';

/** The folder the dashboard build writes (`npm run build:web`), served at `/` when no other is given. */
export function defaultWebRoot(): string {
  return packageFile('web/dist');
}

/** Content types by extension: what the dashboard build writes. Other extensions go out as bytes. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The content type a file of this name is served with. */
export function contentType(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** URL paths the stream server answers itself: a dashboard file by one of these names is not served. */
const RESERVED = new Set(['stream', 'health', 'snapshot', 'bars']);

/** One file of the dashboard, held in memory. */
interface StaticFile {
  body: Buffer;
  type: string;
}

/** The page `GET /` answers (503) while the dashboard is not built: what to run, and the coded error. */
const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MIA: dashboard not built</title></head>
<body><h1>The dashboard is not built</h1>
<p>Build it in the engine's folder with <code>npm run build:web</code>, then restart <code>mia serve</code>.
The stream (<code>/stream</code>), <code>/health</code>, <code>/snapshot/&lt;SYMBOL&gt;</code> and
<code>/bars/&lt;SYMBOL&gt;/&lt;TF&gt;</code> work meanwhile.</p>
<p><code>${ErrorCode.DASHBOARD_NOT_BUILT}</code></p>
</body></html>
`;

/**
 * The dashboard's built files (index.html, app.js, app.css, source maps, licences), read once at start: they
 * are small, and a page served from memory cannot change under a running server or reach the network. The
 * dashboard is built when the folder holds an index.html; otherwise `GET /` answers 503 with a page that
 * says how to build it.
 */
export class StaticSite {
  /** The folder the files were read from. */
  readonly root: string;
  /** URL path (`/app.js`) → file. */
  private readonly files = new Map<string, StaticFile>();

  constructor(root: string) {
    this.root = root;
    if (existsSync(root) && statSync(root).isDirectory()) this.read(root, '');
  }

  /** The folder held an index.html: `GET /` serves the dashboard. */
  get built(): boolean {
    return this.files.has('/index.html');
  }

  /**
   * Registers `GET /` and one `GET` route per file. uWS matches a static path before a parametric one and
   * both before a wildcard, so the files never shadow the API routes, and the 404 catch-all stays last.
   */
  mount(app: GetRoutes): void {
    const index = this.files.get('/index.html');
    if (index) app.get('/', (res) => send(res, '200 OK', index));
    else app.get('/', (res) => send(res, '503 Service Unavailable', { body: Buffer.from(NOT_BUILT_PAGE), type: CONTENT_TYPES['.html']! }));
    for (const [path, file] of this.files) app.get(path, (res) => send(res, '200 OK', file));
  }

  /** Reads `dir` (URL prefix `prefix`) recursively; hidden files and the server's own route names are left out. */
  private read(dir: string, prefix: string): void {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || (prefix === '' && RESERVED.has(e.name))) continue;
      const path = join(dir, e.name);
      const url = `${prefix}/${encodeURIComponent(e.name)}`;
      if (e.isDirectory()) this.read(path, url);
      else if (e.isFile()) this.files.set(url, { body: readFileSync(path), type: contentType(e.name) });
    }
  }
}

/** Where GET routes are registered: the uWS app, or the server's guarded view of it. */
export interface GetRoutes {
  get(pattern: string, handler: (res: uWS.HttpResponse, req: uWS.HttpRequest) => void): unknown;
}

/** Answers with a held file (or the not-built page), uncached. */
function send(res: uWS.HttpResponse, status: string, f: StaticFile): void {
  res.cork(() => {
    res.writeStatus(status)
      .writeHeader('content-type', f.type)
      // Revalidate on every load: a rebuilt dashboard shows after a restart, without a stale cached script.
      .writeHeader('cache-control', 'no-cache')
      .writeHeader('x-content-type-options', 'nosniff')
      .end(f.body);
  });
}
