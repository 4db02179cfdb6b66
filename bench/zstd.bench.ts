// The cost of verifying zstd content checksums (issue 14): Databento's `.dbn.zst` files declare one per frame,
// and fzstd does not check it, so ZstdStreamSource hashes every decoded block with XXH64. The real ESH4 MBO
// day (997 KB compressed) is read to the end through the source the readers use (decode + checksum), and the
// same decoded bytes are hashed alone, in blocks of the size fzstd hands over: the second median over the first
// is the checksum's share of reading a `.dbn.zst`. Ops = decoded bytes.
import os from 'node:os';
import { Bench } from 'tinybench';
import { PlainFileSource } from '../src/data/byte-source.js';
import { ZstdStreamSource } from '../src/data/dbn/zstd-stream-source.js';
import { Xxh64 } from '../src/data/dbn/xxh64.js';
import { dataFile, HAVE_DATA } from '../test/real-data/data-dir.js';
import { collect, print } from './report.js';

const json = process.argv.includes('--json');
if (!HAVE_DATA) {
  process.stderr.write('zstd bench: needs the real ESH4 file (MIA_DATA_DIR, default ../shared/data)\n');
  process.exit(1);
}
const path = dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst');
const into = new Uint8Array(1 << 20);
const openTradeByteSource = async (p: string): Promise<ZstdStreamSource> => new ZstdStreamSource(p, await PlainFileSource.open(p));

/** Reads the whole file through the zstd source; returns the decoded byte count. */
async function readAll(): Promise<number> {
  const src = await openTradeByteSource(path);
  let total = 0;
  for (;;) {
    const n = await src.read(into, 0, into.length);
    if (n === 0) break;
    total += n;
  }
  await src.close();
  return total;
}

// The decoded bytes, kept once for the hash-only case (outside the timed functions).
const decoded: Uint8Array[] = [];
{
  const src = await openTradeByteSource(path);
  for (;;) {
    const n = await src.read(into, 0, 128 * 1024);
    if (n === 0) break;
    decoded.push(into.slice(0, n));
  }
  await src.close();
}
const bytes = decoded.reduce((a, b) => a + b.length, 0);
const hash = new Xxh64();
let sink = 0;

const READ = 'zstd read ESH4 day .dbn.zst (decode + XXH64 checksum), ops = bytes';
const HASH = 'XXH64 alone over the same decoded bytes, ops = bytes';
const bench = new Bench({ iterations: 30, warmupIterations: 3, time: 0 });
bench.add(READ, async () => {
  sink += await readAll();
});
bench.add(HASH, () => {
  hash.reset();
  for (const d of decoded) hash.update(d);
  sink += hash.digestLow32();
});
await bench.run();
const cases = collect(bench, { [READ]: bytes, [HASH]: bytes });
if (json) print(cases, true);
else {
  process.stdout.write(`${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, Node ${process.version}\n`);
  for (const c of cases) process.stdout.write(`${c.name.padEnd(72)} median ${(c.medianNs / 1e6).toFixed(3)} ms  p99 ${(c.p99Ns / 1e6).toFixed(3)} ms  ${(c.opsPerSec / 1e6).toFixed(0)} MB/s\n`);
  const share = cases[1]!.medianNs / cases[0]!.medianNs;
  process.stdout.write(`${(bytes / 1e6).toFixed(1)} MB decoded; the checksum is ${(share * 100).toFixed(1)} % of reading the file\n`);
}
if (sink < 0) process.stdout.write(String(sink));
