// Every code a user or client can meet is in the catalogue (src/common/errors.ts) and in the README table;
// the close codes of docs/stream.md are the server's (StreamClose). A code written anywhere in src/ outside
// the catalogue, or missing from the README, fails here rather than surprising a reader.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ErrorCode, StreamClose, WarningCode } from '../../src/common/errors.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The TypeScript sources under src/, without tests and generated code. */
function sources(dir = join(root, 'src')): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'generated') out.push(...sources(path));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** Each full code (`MIA_ERR_X`, `MIA_WARN_X`; not the bare prefixes of prose) and the files it is written in. */
function codesInSources(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sources()) {
    for (const [code] of readFileSync(file, 'utf8').matchAll(/MIA_(?:ERR|WARN)_[A-Z0-9_]*[A-Z0-9]/g)) {
      found.set(code, [...(found.get(code) ?? []), relative(root, file)]);
    }
  }
  return found;
}

/** The lines of a markdown section, from its heading to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.replace(/^#+\s*/, '') === heading && l.startsWith('#'));
  if (start < 0) throw new Error(`no section "${heading}"`);
  const level = /^#+/.exec(lines[start]!)![0].length;
  const end = lines.findIndex((l, i) => i > start && /^#+\s/.test(l) && /^#+/.exec(l)![0].length <= level);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

const catalogue = new Set<string>([...Object.values(ErrorCode), ...Object.values(WarningCode)]);

describe('error catalogue', () => {
  test('every MIA_ERR_/MIA_WARN_ code written in src/ is in src/common/errors.ts', () => {
    const outside = [...codesInSources()].filter(([code]) => !catalogue.has(code));
    expect(outside).toEqual([]);
  });

  test('every catalogue code has a row in the README "Error codes" table, and the table no code of its own', () => {
    const table = section(readFileSync(join(root, 'README.md'), 'utf8'), 'Error codes')
      .split('\n')
      .filter((l) => l.startsWith('| `MIA_'));
    const inTable = new Set(table.flatMap((row) => row.split('|')[1]!.match(/MIA_(?:ERR|WARN)_[A-Z0-9_]+/g) ?? []));
    expect([...catalogue].filter((c) => !inTable.has(c))).toEqual([]);
    expect([...inTable].filter((c) => !catalogue.has(c))).toEqual([]);
  });

  test('every catalogue code has a line of documentation in errors.ts', () => {
    const text = readFileSync(join(root, 'src/common/errors.ts'), 'utf8');
    for (const code of catalogue) expect(text, code).toMatch(new RegExp(`\\*/\\s*\\n\\s*[A-Z_]+: '${code}'`));
  });

  test('docs/stream.md "Close codes" lists exactly the codes and reasons the server closes with', () => {
    const rows = section(readFileSync(join(root, 'docs/stream.md'), 'utf8'), 'Close codes')
      .split('\n')
      .map((l) => /^\| (\d+) \| `([^`]+)` \|/.exec(l))
      .filter((m) => m !== null)
      .map((m) => ({ code: Number(m[1]), reason: m[2] }));
    const sortByCode = (a: { code: number }, b: { code: number }): number => a.code - b.code;
    expect(rows.sort(sortByCode)).toEqual(Object.values(StreamClose).map(({ code, reason }) => ({ code, reason })).sort(sortByCode));
  });
});
