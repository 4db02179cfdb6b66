// Builds the dashboard (web/) into web/dist: one minified ES2022 bundle of web/src/main.ts with its source map,
// its stylesheet, index.html, and LICENSES.txt with the licence of every package the bundle contains. The page
// loads nothing else: no CDN, no fetch of code or fonts at run time. `npm run build:web`; `npm run build` (and
// so `npm install`, through prepare) runs it.
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const out = join(web, 'dist');

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: { app: join(web, 'src', 'main.ts') },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  // Licence texts go to LICENSES.txt (below), written from each package's own files.
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  tsconfig: join(web, 'tsconfig.json'),
});

await copyFile(join(web, 'index.html'), join(out, 'index.html'));
await writeFile(join(out, 'LICENSES.txt'), await licences(Object.keys(result.metafile.inputs)));

const sizes = Object.entries(result.metafile.outputs).map(([file, o]) => `${relative(root, file)} ${(o.bytes / 1024).toFixed(1)} KiB`);
console.log(`build-web: ${sizes.join(', ')}`);

/**
 * The licence notice of each third-party package bundled (its LICENSE and NOTICE files, as Apache-2.0 §4
 * asks of lightweight-charts and flatbuffers; the package.json licence and author where a package ships no
 * licence file), found from esbuild's list of inputs, so a new dependency cannot be bundled without its notice.
 */
async function licences(inputs) {
  const packages = new Map();
  for (const input of inputs) {
    const parts = input.split(/[\\/]/);
    const at = parts.lastIndexOf('node_modules');
    if (at < 0) continue;
    const name = parts[at + 1]?.startsWith('@') ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1];
    packages.set(name, join(root, ...parts.slice(0, at + 1), ...name.split('/')));
  }
  const sections = [
    'Third-party software bundled into this dashboard (web/dist/app.js).\n' +
      'Charts: TradingView Lightweight Charts™ by TradingView, Inc. (https://www.tradingview.com/), Apache License 2.0.\n',
  ];
  for (const [name, dir] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    let text = `${'='.repeat(78)}\n${name} ${pkg.version} (${pkg.license ?? 'no licence field'})\n`;
    if (pkg.homepage || pkg.repository) text += `${pkg.homepage ?? pkg.repository?.url ?? pkg.repository}\n`;
    text += `${'='.repeat(78)}\n\n`;
    let found = false;
    for (const file of ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'LICENCE', 'NOTICE', 'NOTICE.md', 'NOTICE.txt']) {
      const path = join(dir, file);
      if (!existsSync(path)) continue;
      text += `--- ${file} ---\n${(await readFile(path, 'utf8')).trimEnd()}\n\n`;
      found = true;
    }
    if (!found) {
      const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
      text += `The package ships no licence file. package.json: licence ${pkg.license}${author ? `, author ${author}` : ''}.\n`;
      if (pkg.license === 'MIT') text += `\n${mitText(author ?? name)}\n`;
    }
    sections.push(text);
  }
  return sections.join('\n');
}

/** The MIT licence text (opensource.org/license/mit) for a package that names MIT without shipping the text. */
function mitText(holder) {
  return `Copyright (c) ${holder}

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and
to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions
of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO
THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS
IN THE SOFTWARE.`;
}

