import { ExecutionError, ExecutionErrorCode } from '../execution/execution-errors.js';
import { TRADE_COLUMNS } from './trade-report.js';

/**
 * Copies the trades CSV to Parquet with DuckDB (@duckdb/node-api), with the column types declared rather
 * than sniffed (an empty file must give the same schema) and one thread (row order and file layout stay
 * the same run after run). Returns false when DuckDB's native binary is not installed: the caller keeps the
 * CSV and says so.
 */
export async function writeTradesParquet(csvPath: string, parquetPath: string): Promise<boolean> {
  let duckdb: typeof import('@duckdb/node-api');
  try {
    // Imported here, not at the top: loading the native library costs ~0.2 s, which every `mia` command
    // would pay, and an install without the optional binary must still run backtests (CSV only).
    duckdb = await import('@duckdb/node-api');
  } catch {
    return false;
  }
  const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  try {
    const columns = TRADE_COLUMNS.map((c) => `'${c.name}': '${c.type}'`).join(', ');
    const q = (p: string): string => `'${p.replace(/'/g, "''")}'`;
    await conn.run(
      `COPY (SELECT * FROM read_csv(${q(csvPath)}, header = true, delim = ',', quote = '', auto_detect = false, columns = {${columns}}))` +
        ` TO ${q(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    return true;
  } catch (e) {
    throw new ExecutionError(ExecutionErrorCode.OUTPUT_UNWRITABLE, `${parquetPath}: cannot write Parquet (${(e as Error).message})`, { file: parquetPath });
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
