// Writes the hand-built journal of hand-journal.ts to a file, for trying `mia report` by hand (README "Report"):
//   node --import tsx test/report/write-hand-journal.ts /tmp/hand-journal.duckdb
import { existsSync } from 'node:fs';
import { handJournal } from './hand-journal.js';
import { writeJournal } from './journal-fixture.js';

const path = process.argv[2];
if (!path || existsSync(path)) {
  process.stderr.write('usage: write-hand-journal.ts PATH (a file that does not exist yet)\n');
  process.exit(2);
}
await writeJournal(path, handJournal(true));
process.stderr.write(`wrote ${path}\n`);
