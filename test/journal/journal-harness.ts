// Runs the built `mia` (as users do) and reads a journal with DuckDB, for the journal's tests.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, DuckDBTypeId } from '@duckdb/node-api';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** What a finished `mia` process left. */
export interface MiaRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `mia ARGS` to its end (the environment's MIA_JOURNAL removed: each test names its journal). */
export function mia(args: string[], cwd = root): Promise<MiaRun> {
  const env = { ...process.env };
  delete env.MIA_JOURNAL;
  const p = spawn(process.execPath, [join(root, 'bin/mia.js'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => p.on('close', (code) => resolve({ code, stdout, stderr })));
}

const INTEGERS: ReadonlySet<DuckDBTypeId> = new Set([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT]);

/** The rows of `sql` on the journal at `path`, opened read-only, as JSON-ready objects (64-bit integers as numbers). */
export async function rows(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const r = await conn.runAndReadAll(sql);
    const names = r.columnNames();
    const big = names.filter((_, i) => INTEGERS.has(r.columnTypeId(i)));
    return r.getRowObjectsJson().map((o) => {
      for (const n of big) if (o[n] !== null) o[n] = Number(o[n]);
      return o;
    });
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The JSON log lines of a stderr. */
export function logLines(stderr: string): Array<Record<string, unknown>> {
  return stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}
