// Fuzzing the trade-file readers (docs/hostile-input.md, "Trade files"): mutations of small slices of the real
// ESH4 CSV and DBN files and of generated files. Every case ends in the unmutated file's trades (where the
// format can tell a change: zstd checksums, gzip's CRC) or a coded MiaError; never another exception, never a
// hang, never rows unaccounted for. CI runs a few seconds; `npm run fuzz` (MIA_FUZZ_RUNS) runs at length and
// prints the cases each property ran and how they ended. Most cases are read from memory, one in DISK_SHARE
// from a file written to disk (trade-file-harness.ts).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { loadDbn } from '../../src/data/dbn/dbn-file.js';
import { parseMetadata } from '../../src/data/dbn/metadata.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { SurfaceTally } from './fuzz-tally.js';
import { caseOutcome, expectContract, readOutcome, zstdFrame, type Outcome } from './trade-file-harness.js';

/** Cases per file surface: MIA_FUZZ_RUNS at length (`npm run fuzz`), a CI budget of a few seconds otherwise. */
const TOTAL = Number(process.env.MIA_FUZZ_RUNS ?? 0) || 0;
const AT_LENGTH = TOTAL > 0;
/**
 * The properties below share the surface's cases: the real Sunday file (about 20 ms a case: fzstd decodes its
 * 489 KB each time) takes one case in 500 of them, the others (two without the real data) the rest in equal parts.
 */
const SUNDAY_RUNS = Math.ceil(TOTAL / 500);
const SHARED_PROPERTIES = HAVE_DATA ? 5 : 2;
const runs = (ci: number): number => (AT_LENGTH ? Math.ceil((TOTAL - (HAVE_DATA ? SUNDAY_RUNS : 0)) / SHARED_PROPERTIES) : ci);
const TIMEOUT = AT_LENGTH ? 24 * 3600_000 : 60_000;

const tally = new SurfaceTally('trade files');
afterAll(() => {
  console.log(tally.report());
  rmSync(dir, { recursive: true, force: true });
});

const dir = mkdtempSync(join(tmpdir(), 'mia-fuzz-files-'));

/** A byte-level mutation of a file. */
const byteMutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0, 0xff, 0x0a, 0x0d, 0x2c, 0x22, 0x2e, 0x2d, 0x30, 0x39, 0x7f) }),
);
type ByteMutation = typeof byteMutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(b: Uint8Array, mutations: ByteMutation[]): Buffer {
  let out = Buffer.from(b);
  for (const m of mutations) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    if (m.kind === 'flip') out[at] = out[at]! ^ (1 << m.bit);
    else if (m.kind === 'cut') out = out.subarray(0, at);
    else if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
    else if (m.kind === 'duplicate') out = Buffer.concat([out.subarray(0, at + m.length), out.subarray(at)]);
    else out[at] = m.value;
  }
  return out;
}

/** A line-level mutation of a CSV: duplicate, drop, swap lines; edit the header. */
const lineMutation = fc.oneof(
  fc.record({ kind: fc.constant('dupLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dropLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('header' as const), edit: fc.constantFrom('dropColumn', 'renameColumn', 'addAction', 'addColumn', 'swapColumns'), column: fc.nat() }),
  fc.record({ kind: fc.constant('lineEnds' as const), to: fc.constantFrom('\r\n', '\r', '\n\n') }),
);
type LineMutation = typeof lineMutation extends fc.Arbitrary<infer T> ? T : never;

function mutateLines(text: string, mutations: LineMutation[]): string {
  let lines = text.split('\n');
  for (const m of mutations) {
    const i = 1 + ('at' in m ? m.at % Math.max(1, lines.length - 1) : 0);
    if (m.kind === 'dupLine' && i < lines.length) lines.splice(i, 0, lines[i]!);
    else if (m.kind === 'dropLine' && i < lines.length) lines.splice(i, 1);
    else if (m.kind === 'swapLines') {
      const j = 1 + (m.with % Math.max(1, lines.length - 1));
      if (i < lines.length && j < lines.length) [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    } else if (m.kind === 'header') {
      const h = lines[0]!.split(',');
      const c = m.column % h.length;
      if (m.edit === 'dropColumn') h.splice(c, 1);
      else if (m.edit === 'renameColumn') h[c] = `x${h[c]}`;
      else if (m.edit === 'addAction') h.push('action');
      else if (m.edit === 'addColumn') h.splice(c, 0, 'extra');
      else [h[0], h[c]] = [h[c]!, h[0]!];
      lines[0] = h.join(',');
    } else if (m.kind === 'lineEnds') lines = [lines.join(m.to)];
  }
  return lines.join('\n');
}

/** Reads the unmutated file once: the outcome every checksummed mutation that reads must equal. */
async function baseline(path: string, bytes: Uint8Array): Promise<Outcome> {
  const o = await caseOutcome(path, bytes, false);
  if ('code' in o) throw new Error(`the unmutated seed does not read: ${o.message}`);
  return o;
}

/** Generated CSV trade files: plausible ES rows in order, in any of the layouts the reader knows. */
const generatedCsv = fc.record({
  rows: fc.array(fc.record({
    dt: fc.bigInt({ min: 0n, max: 10n ** 10n }), ticks: fc.integer({ min: 16_000, max: 24_000 }), size: fc.integer({ min: 1, max: 500 }),
    side: fc.constantFrom('B', 'A', 'N', 'S', ''), action: fc.constantFrom('T', 'T', 'T', 'A', 'C', 'M'),
  }), { minLength: 1, maxLength: 40 }),
  withAction: fc.boolean(),
}).map(({ rows, withAction }) => {
  let ts = 1_703_545_200_000_000_000n;
  const body = rows.map((r) => {
    ts += r.dt;
    return `${ts},${(r.ticks / 4).toFixed(2)},${r.size},${r.side}${withAction ? `,${r.action}` : ''}`;
  });
  return Buffer.from(`ts_event_ns,price,size,side${withAction ? ',action' : ''}\n${body.join('\n')}\n`);
});

describe('trade files under mutation (fuzz)', () => {
  test('generated CSV files: line and byte mutations end in trades with every row accounted for, or a coded error', async () => {
    const path = join(dir, 'esh4_gen.csv');
    await fc.assert(fc.asyncProperty(generatedCsv, fc.array(lineMutation, { maxLength: 3 }), fc.array(byteMutation, { maxLength: 3 }), fc.boolean(),
      async (file, lines, bytes, skipBad) => {
        const mutated = mutate(Buffer.from(mutateLines(file.toString('latin1'), lines), 'latin1'), bytes);
        const o = await caseOutcome(path, mutated, skipBad, tally.property('generated CSV'));
        // A read without --skip-bad that succeeds took every non-empty line after the header as a trade or a book event.
        if (!('code' in o) && !skipBad) {
          const rows = mutated.toString('latin1').split('\n').slice(1).filter((l) => l !== '' && l !== '\r').length;
          expect(o.stats.read).toBe(rows);
        }
      }), { numRuns: runs(150) });
  }, TIMEOUT);

  test('generated CSV files, gzipped: a mutation that reads gives the same trades (gzip CRC), else a coded error', async () => {
    const path = join(dir, 'esh4_gen.csv.gz');
    await fc.assert(fc.asyncProperty(generatedCsv, fc.array(byteMutation, { minLength: 1, maxLength: 2 }), async (file, bytes) => {
      const gz = gzipSync(file);
      const base = await baseline(path, gz);
      const o = await caseOutcome(path, mutate(gz, bytes), false, tally.property('generated CSV, gzip'));
      if (!('code' in o)) expect(o.trades).toEqual('trades' in base ? base.trades : []);
    }), { numRuns: runs(100) });
  }, TIMEOUT);
});

describe.skipIf(!HAVE_DATA)('real ESH4 slices under mutation (fuzz; cme-esh4-mbo)', () => {
  // The first 60 lines of the trades CSV: about 0.5 ms a read.
  const csvSlice = (): Buffer => {
    const text = readFileSync(dataFile('cme-esh4-mbo/esh4_20231225_trades.csv'), 'latin1');
    return Buffer.from(text.split('\n').slice(0, 60).join('\n') + '\n', 'latin1');
  };

  /** The metadata and 300 records (trades and some book events) from the ESH4 MBO day, plain and as zstd (two checksummed frames). */
  const dbnSlice = async (): Promise<{ plain: Buffer; zst: Buffer }> => {
    const all = await loadDbn(dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst'));
    const meta = parseMetadata(all, 'esh4');
    const records: Buffer[] = [];
    let at = meta.recordsOffset;
    let firstTrade = -1;
    for (let i = 0; at < all.length && records.length < 300; i++) {
      const len = all[at]! * 4;
      const trade = all[at + 1] === 0xa0 && all[at + 38] === 0x54;
      if (firstTrade < 0 && trade) firstTrade = i;
      // Every trade from the first on, and a share of the book events around them.
      if (trade || i % (firstTrade >= 0 ? 10 : 97) === 0) records.push(Buffer.from(all.subarray(at, at + len)));
      at += len;
    }
    const head = Buffer.from(all.subarray(0, meta.recordsOffset));
    const body = Buffer.concat(records);
    return { plain: Buffer.concat([head, body]), zst: Buffer.concat([zstdFrame(head), zstdFrame(body)]) };
  };

  test('the trades CSV: line and byte mutations end in trades with every row accounted for, or a coded error', async () => {
    const seed = csvSlice();
    const path = join(dir, 'esh4_20231225_trades.csv');
    expect((await baseline(path, seed) as { trades: string[] }).trades.length).toBe(59);
    await fc.assert(fc.asyncProperty(fc.array(lineMutation, { maxLength: 3 }), fc.array(byteMutation, { maxLength: 3 }), fc.boolean(), async (lines, bytes, skipBad) => {
      await caseOutcome(path, mutate(Buffer.from(mutateLines(seed.toString('latin1'), lines), 'latin1'), bytes), skipBad, tally.property('ESH4 trades CSV'));
    }), { numRuns: runs(150) });
  }, TIMEOUT);

  test('the MBO day as zstd with checksums: a mutation that reads gives exactly the same trades, else a coded error', async () => {
    const { zst } = await dbnSlice();
    const path = join(dir, 'esh4.dbn.zst');
    const base = await baseline(path, zst);
    expect((base as { trades: string[] }).trades.length).toBeGreaterThan(20);
    await fc.assert(fc.asyncProperty(fc.array(byteMutation, { minLength: 1, maxLength: 3 }), async (bytes) => {
      const o = await caseOutcome(path, mutate(zst, bytes), false, tally.property('ESH4 MBO, zstd'));
      if (!('code' in o)) expect(o.trades).toEqual((base as { trades: string[] }).trades);
    }), { numRuns: runs(150) });
  }, TIMEOUT);

  test('the MBO day as plain DBN: byte mutations end in trades with every record accounted for, or a coded error', async () => {
    const { plain } = await dbnSlice();
    const path = join(dir, 'esh4.dbn');
    await baseline(path, plain);
    await fc.assert(fc.asyncProperty(fc.array(byteMutation, { minLength: 1, maxLength: 3 }), fc.boolean(), async (bytes, skipBad) => {
      await caseOutcome(path, mutate(plain, bytes), skipBad, tally.property('ESH4 MBO, plain DBN'));
    }), { numRuns: runs(150) });
  }, TIMEOUT);

  test('the real compressed ESH4 Sunday file (53 KB, zstd-compressed by Databento): bit flips read the same or are coded errors', async () => {
    const real = readFileSync(dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231224.mbo.dbn.zst'));
    const path = join(dir, 'esh4-sunday.dbn.zst');
    const base = await baseline(path, real);
    await fc.assert(fc.asyncProperty(fc.array(byteMutation.filter((m) => m.kind === 'flip' || m.kind === 'set'), { minLength: 1, maxLength: 2 }), async (bytes) => {
      const o = await caseOutcome(path, mutate(real, bytes), false, tally.property('ESH4 Sunday, Databento zstd'));
      if (!('code' in o)) expect(o.stats).toEqual((base as { stats: unknown }).stats);
    }), { numRuns: AT_LENGTH ? SUNDAY_RUNS : 25 });
  }, TIMEOUT);
});

describe('corpus: every trade file that ever broke the contract (test/fuzz/corpus/trade-files)', () => {
  const corpus = join(import.meta.dirname, 'corpus', 'trade-files');
  const files = readdirSync(corpus).filter((f) => !f.endsWith('.md'));
  test.each(files)('%s', async (name) => {
    const path = join(corpus, name);
    const o = await readOutcome(path, false);
    expectContract(o, path);
    // A name `what--MIA_ERR_CODE.ext` says which coded error the file must end in.
    const code = /--(MIA_ERR_[A-Z_]+)\./.exec(name)?.[1];
    if (code) expect(o).toMatchObject({ code });
  });
});
