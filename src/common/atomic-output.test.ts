import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkOutputFolder, COMPLETE_MARKER, verifyOutputFolder, writeOutputFile, writeOutputFolder, type OutputSpec } from './atomic-output.js';

describe('all-or-nothing output folders', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mia-atomic-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const spec = (notices: string[] = []): OutputSpec => ({ command: 'mia test', files: ['a.txt', 'b.txt'], notice: (l) => notices.push(l) });
  const write = (out: string, a: string, b?: string) => writeOutputFolder(out, spec(), async (s) => {
    await s.writeFile('a.txt', a);
    if (b !== undefined) await s.writeFile('b.txt', b);
  });
  /** Names in the test folder of staging and aside folders. */
  const leftovers = async (): Promise<string[]> => (await readdir(dir)).filter((n) => n.startsWith('.mia-'));

  test('writes the files and a marker listing each with its size and sha256; the marker is the same bytes for the same files', async () => {
    const out = join(dir, 'fresh', 'deeper');
    await write(out, 'one', 'two');
    expect((await readdir(out)).sort()).toEqual([COMPLETE_MARKER, 'a.txt', 'b.txt']);
    const v = await verifyOutputFolder(out);
    expect(v.ok && v.marker.files).toEqual([
      { name: 'a.txt', bytes: 3, sha256: '7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed' },
      { name: 'b.txt', bytes: 3, sha256: '3fc4ccfe745870e2c0d99f71f30ff0656c8dedd41cc1d7d3d376b0dbe685e2f3' },
    ]);
    const marker = await readFile(join(out, COMPLETE_MARKER));
    await write(out, 'one', 'two');
    expect(Buffer.compare(await readFile(join(out, COMPLETE_MARKER)), marker)).toBe(0);
  });

  test('a previous output is replaced whole: a file the new run does not write is gone', async () => {
    const out = join(dir, 'replace');
    await write(out, 'old a', 'old b');
    await write(out, 'new a');
    expect((await readdir(out)).sort()).toEqual([COMPLETE_MARKER, 'a.txt']);
    expect(await readFile(join(out, 'a.txt'), 'utf8')).toBe('new a');
    expect(await leftovers()).toEqual([]);
  });

  test('an existing empty folder, or one of legacy outputs without a marker, is replaced', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await write(empty, 'x');
    expect((await verifyOutputFolder(empty)).ok).toBe(true);
    const legacy = join(dir, 'legacy');
    await mkdir(legacy);
    await writeFile(join(legacy, 'b.txt'), 'written before markers');
    await writeFile(join(legacy, '.mia-write-check-12345'), '');
    await write(legacy, 'y');
    expect((await readdir(legacy)).sort()).toEqual([COMPLETE_MARKER, 'a.txt']);
  });

  test('a folder holding other files is refused before anything is written, and kept as it was', async () => {
    const out = join(dir, 'mine');
    await mkdir(join(out, 'sub'), { recursive: true });
    await writeFile(join(out, 'a.txt'), 'the user\'s');
    await writeFile(join(out, 'notes.md'), 'the user\'s');
    let called = false;
    const r = writeOutputFolder(out, spec(), async () => void (called = true));
    await expect(r).rejects.toMatchObject({ code: 'MIA_ERR_OUTPUT_UNWRITABLE', details: { file: out } });
    await expect(r).rejects.toThrow('not an output of mia test (notes.md, sub)');
    expect(called).toBe(false);
    expect((await readdir(out)).sort()).toEqual(['a.txt', 'notes.md', 'sub']);
    await expect(checkOutputFolder(join(out, 'notes.md'), spec())).rejects.toThrow('it is a file, not a folder');
  });

  test('a failure while writing leaves the previous output as it was and no staging folder', async () => {
    const out = join(dir, 'failing');
    await write(out, 'kept', 'kept too');
    const r = writeOutputFolder(out, spec(), async (s) => {
      await s.writeFile('a.txt', 'half');
      throw new Error('the run failed');
    });
    await expect(r).rejects.toThrow('the run failed');
    expect(await readFile(join(out, 'a.txt'), 'utf8')).toBe('kept');
    expect((await verifyOutputFolder(out)).ok).toBe(true);
    expect(await leftovers()).toEqual([]);
  });

  test('leftovers of killed runs are removed and said; a previous output left aside is put back first', async () => {
    const out = join(dir, 'killed');
    await write(out, 'previous');
    // What a run killed between its two renames leaves: the destination absent, the previous output aside, and a
    // staging folder. Process 2^22+1 is above Linux's pid_max default: not running.
    const dead = 4_194_305;
    await mkdir(join(dir, `.mia-tmp-${dead}-killed`));
    await writeFile(join(dir, `.mia-tmp-${dead}-killed`, 'a.txt'), 'half');
    await rm(join(dir, `.mia-old-${dead}-killed`), { recursive: true, force: true });
    const { rename } = await import('node:fs/promises');
    await rename(out, join(dir, `.mia-old-${dead}-killed`));
    const notices: string[] = [];
    await checkOutputFolder(out, spec(notices));
    expect(await readFile(join(out, 'a.txt'), 'utf8')).toBe('previous');
    expect(notices).toHaveLength(2);
    expect(notices.join('\n')).toMatch(/put back the previous output .*killed, left aside by an interrupted run \(pid 4194305\)/);
    expect(notices.join('\n')).toMatch(/removed .*\.mia-tmp-4194305-killed, left by an interrupted run/);
    expect(await leftovers()).toEqual([]);
  });

  test('the staging folder of a run still going (its process alive) is left alone', async () => {
    const busy = join(dir, `.mia-tmp-${process.ppid}-busy`);
    await mkdir(busy);
    const notices: string[] = [];
    await checkOutputFolder(join(dir, 'busy'), spec(notices));
    expect(notices).toEqual([]);
    await rm(busy, { recursive: true });
  });

  test('a symlink to a folder is followed: the link stays and points at the new output', async () => {
    const target = join(dir, 'target');
    await write(target, 'before');
    const link = join(dir, 'link');
    await symlink(target, link);
    await write(link, 'after');
    expect(await readFile(join(link, 'a.txt'), 'utf8')).toBe('after');
    expect(await readFile(join(target, 'a.txt'), 'utf8')).toBe('after');
  });

  test('a single file is replaced by a rename once written; a failure leaves the old file and no staging file', async () => {
    const file = join(dir, 'export.csv');
    await writeOutputFile(file, (staging) => writeFile(staging, 'v1'));
    await writeOutputFile(file, (staging) => writeFile(staging, 'v2'));
    expect(await readFile(file, 'utf8')).toBe('v2');
    await expect(writeOutputFile(file, async (staging) => {
      await writeFile(staging, 'half');
      throw new Error('export failed');
    })).rejects.toThrow('export failed');
    expect(await readFile(file, 'utf8')).toBe('v2');
    expect(await leftovers()).toEqual([]);
  });
});
