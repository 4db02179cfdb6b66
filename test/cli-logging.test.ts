// The terminal a person reads and the lines a machine reads: `--log-format`, `--log-level`, MIA_LOG_LEVEL, and
// the URLs `mia serve` announces at start. Asserts on the shape and fields of the lines, not on their wording.
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { dataFile, HAVE_DATA } from './real-data/data-dir.js';

function serveReplay(args: string[], env: Record<string, string> = {}): { status: number | null; lines: string[] } {
  const r = spawnSync(process.execPath, [
    'bin/mia.js', 'serve', '--port', '0', '--source', 'replay', '--input', dataFile('cme-esh4-mbo/esh4_20231225_trades.csv'),
    '--exit-on-end', '--signals', 'off', ...args,
  ], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { status: r.status, lines: r.stderr.split('\n').filter(Boolean) };
}

/** The line as a JSON object (a pretty line such as `  "ES"` may be JSON, but not an object). */
const json = (line: string): Record<string, unknown> | undefined => {
  try {
    const v = JSON.parse(line) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
};

describe.skipIf(!HAVE_DATA)('mia serve logs', () => {
  test('piped: JSON lines at info; the start-up line carries the stream, health, metrics and snapshot URLs of the bound port', () => {
    const r = serveReplay([]);
    expect(r.status).toBe(0);
    const logs = r.lines.map(json);
    expect(logs.every((l) => l !== undefined)).toBe(true);
    expect(new Set(logs.map((l) => l!.level))).toEqual(new Set([30]));
    const port = logs.find((l) => typeof l!.port === 'number')!.port as number;
    expect(port).toBeGreaterThan(0);
    expect(logs).toContainEqual(expect.objectContaining({
      stream: `ws://127.0.0.1:${port}/stream`, health: `http://127.0.0.1:${port}/health`, metrics: `http://127.0.0.1:${port}/metrics`,
      snapshots: [`http://127.0.0.1:${port}/snapshot/ES`],
    }));
  });

  test('--log-level warn and MIA_LOG_LEVEL=warn leave out the info lines; the flag wins over the variable', () => {
    expect(serveReplay(['--log-level', 'warn'])).toEqual({ status: 0, lines: [] });
    expect(serveReplay([], { MIA_LOG_LEVEL: 'warn' })).toEqual({ status: 0, lines: [] });
    expect(serveReplay(['--log-level', 'info'], { MIA_LOG_LEVEL: 'warn' }).lines.length).toBeGreaterThan(0);
  });

  test('--log-format pretty: readable lines (not JSON), one header line per event with the level name', () => {
    const r = serveReplay(['--log-format', 'pretty']);
    expect(r.status).toBe(0);
    expect(r.lines.some((l) => json(l) !== undefined)).toBe(false);
    expect(r.lines.filter((l) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: /.test(l)).length).toBeGreaterThanOrEqual(4);
  });

  test('an unknown level is a coded argument error, from the flag or the variable', () => {
    const flag = serveReplay(['--log-level', 'loud']);
    expect(flag.status).not.toBe(0);
    expect(flag.lines.at(-1)).toMatch(/\(MIA_ERR_BAD_ARGUMENT\)$/);
    const env = serveReplay([], { MIA_LOG_LEVEL: 'loud' });
    expect(env.status).toBe(1);
    expect(env.lines.at(-1)).toMatch(/MIA_LOG_LEVEL.*\(MIA_ERR_BAD_ARGUMENT\)$/);
  });
});
