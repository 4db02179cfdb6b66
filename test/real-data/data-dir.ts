import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The real-data folder: MIA_DATA_DIR, default ../shared/data beside the repository. */
export const DATA_DIR = resolve(process.cwd(), process.env.MIA_DATA_DIR ?? '../shared/data');

/** True when the folder exists; the real-data suites skip only when it does not, and say so. */
export const HAVE_DATA = existsSync(DATA_DIR);

if (!HAVE_DATA) {
  process.stderr.write(`real-data tests skipped: ${DATA_DIR} does not exist (set MIA_DATA_DIR)\n`);
}

/** Path of a file inside the data folder. */
export function dataFile(relative: string): string {
  return resolve(DATA_DIR, relative);
}
