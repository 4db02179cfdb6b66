import { ErrorCode, MiaError, unreadable } from '../common/errors.js';
import type { TradeSource } from '../model/trade-batch.js';
import { CsvTradeReader, type CsvReaderOptions } from './csv-trade-reader.js';
import { DbnTradeReader, type DbnReaderOptions } from './dbn/dbn-trade-reader.js';
import { isZstd } from './dbn/zstd-frame-scanner.js';
import { DISK } from './file-access.js';

const DBN_MAGIC = 'DBN';

/** Opens a trade file with the reader its content calls for: DBN (plain or zstd) or CSV (plain or gzip). */
export async function openTradeSource(path: string, options: CsvReaderOptions & DbnReaderOptions = {}): Promise<TradeSource> {
  let head: Buffer;
  try {
    const fh = await (options.files ?? DISK).open(path);
    try {
      head = Buffer.alloc(4);
      await fh.read(head, 0, 4, 0);
    } finally {
      await fh.close();
    }
  } catch {
    throw unreadable(path);
  }
  if (isZstd(head) || head.toString('latin1', 0, 3) === DBN_MAGIC) {
    return DbnTradeReader.open(path, options);
  }
  if (/\.csv(\.gz)?$/i.test(path) || /\.txt$/i.test(path)) return CsvTradeReader.open(path, options);
  throw new MiaError(ErrorCode.UNKNOWN_FORMAT, `${path}: not a CSV (.csv, .csv.gz) or Databento DBN (.dbn, .dbn.zst) file`, { file: path });
}
