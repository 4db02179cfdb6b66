// The fuzz suite reads most generated files from memory (MemoryFiles): that is only as good as its answers
// matching the disk's. Each corpus file, and a missing one, must end the same way from memory as from disk.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { MemoryFiles } from './memory-files.js';
import { readOutcome } from './trade-file-harness.js';
import { DISK } from '../../src/data/file-access.js';

const corpus = join(import.meta.dirname, 'corpus', 'trade-files');

describe('trade files read from memory end as they do from disk', () => {
  const files = readdirSync(corpus).filter((f) => !f.endsWith('.md'));
  test.each(files)('%s', async (name) => {
    const path = join(corpus, name);
    const memory = new MemoryFiles();
    memory.set(path, readFileSync(path));
    for (const skipBad of [false, true]) {
      expect(await readOutcome(path, skipBad, memory)).toEqual(await readOutcome(path, skipBad, DISK));
    }
  });

  test('a CSV that reads, plain and gzipped', async () => {
    const csv = Buffer.from('ts_event_ns,price,size,side\n1703545200000000000,4800.25,3,B\n1703545200000000001,4800.50,1,A\n');
    const memory = new MemoryFiles();
    const plain = '/no/such/dir/esh4.csv';
    memory.set(plain, csv);
    memory.set(`${plain}.gz`, gzipSync(csv));
    const read = await readOutcome(plain, false, memory);
    expect(read).toMatchObject({ stats: { read: 2, trades: 2 } });
    expect(await readOutcome(`${plain}.gz`, false, memory)).toEqual(read);
  });

  test('a file that is not there', async () => {
    for (const path of ['/no/such/dir/a.csv', '/no/such/dir/a.csv.gz', '/no/such/dir/a.dbn.zst']) {
      expect(await readOutcome(path, false, new MemoryFiles())).toEqual(await readOutcome(path, false, DISK));
    }
  });
});
