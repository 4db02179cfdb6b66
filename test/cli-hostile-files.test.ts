// Issue 14: a corrupt trade file on the command line is one coded line on stderr, exit code 1: no stack trace,
// no path but the one given, and never a hang (a time near 2^63 ns used to hang the kernels for good).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { mbo, metadataV2 } from './fixtures/dbn-writer.js';

const MIA = resolve('bin/mia.js');
const dir = mkdtempSync(join(tmpdir(), 'mia-cli-hostile-'));

/** `mia features --input NAME` run in the files' folder, so that the name given is relative. */
function features(name: string, bytes: Buffer | string): { status: number | null; stderr: string } {
  writeFileSync(join(dir, name), bytes);
  const r = spawnSync(process.execPath, [MIA, 'features', '--input', name], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

const rows = (n: number): string => Array.from({ length: n }, (_, i) => `${1703545200000000000n + BigInt(i)},4800.25,1,B\n`).join('');

describe('mia features on hostile trade files', () => {
  const meta = metadataV2('ESH4');
  const cases: [string, string, Buffer | string, string][] = [
    ['a truncated .csv.gz', 'esh4.csv.gz', gzipSync(`ts_event_ns,price,size,side\n${rows(500)}`).subarray(0, 400), 'MIA_ERR_INPUT_UNREADABLE'],
    ['DBN metadata cut inside its fixed header', 'esh4.dbn', Buffer.concat([Buffer.from('DBN\x02\x20\x00\x00\x00'), meta.subarray(8, 40)]), 'MIA_ERR_BAD_RECORD'],
    ['a DBN header claiming 2^32 - 1 symbols', 'many.dbn', (() => {
      const m = Buffer.from(meta);
      m.writeUInt32LE(0xffffffff, 8 + 104);
      return Buffer.concat([m, mbo(1n, 4800, 1, 'T', 'B')]);
    })(), 'MIA_ERR_BAD_RECORD'],
    ['a CSV trade 60 s before 2^63 ns', 'esh4_late.csv', `ts_event_ns,price,size,side\n${rows(3)}9223372036794775807,4800.25,1,B\n`, 'MIA_ERR_TIMESTAMP_OUT_OF_RANGE'],
  ];

  test.each(cases)('%s: exit code 1 and one coded line naming the file as given', (_what, name, bytes, code) => {
    const { status, stderr } = features(name, bytes);
    expect(stderr).toMatch(new RegExp(`^mia: ${name.replace('.', '\\.')}: [^\\n]+ \\(${code}\\)\\n$`));
    expect(stderr).not.toContain(dir);
    expect(status).toBe(1);
  }, 90_000);
});
