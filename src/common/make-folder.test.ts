import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeFolder } from './make-folder.js';

describe('makeFolder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mia-make-folder-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('creates missing parents; an existing folder is fine', async () => {
    const deep = join(dir, 'a', 'b', 'c');
    await makeFolder(deep);
    await makeFolder(deep);
    expect((await stat(deep)).isDirectory()).toBe(true);
  });

  test('a path under a regular file fails with ENOTDIR', async () => {
    const file = join(dir, 'file');
    await writeFile(file, '');
    await expect(makeFolder(join(file, 'sub', 'deeper'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  test('an existing regular file fails with EEXIST', async () => {
    const file = join(dir, 'plain');
    await writeFile(file, '');
    await expect(makeFolder(file)).rejects.toMatchObject({ code: 'EEXIST' });
  });

  test('a folder under a dangling symlink fails with ENOENT', async () => {
    const link = join(dir, 'dangling');
    await symlink(join(dir, 'nowhere'), link);
    await expect(makeFolder(join(link, 'out'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  // Node 20's mkdir(..., { recursive: true }) never settles here (procfs answers ENOENT under an existing /proc).
  test.skipIf(!existsSync('/proc/self'))('a folder procfs will not hold fails with ENOENT', async () => {
    await expect(makeFolder('/proc/x')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(makeFolder('/proc/x/y')).rejects.toMatchObject({ code: 'ENOENT' });
  }, 5_000);
});
