import { createHash } from 'node:crypto';
import { open, readdir, readFile, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { cleanLeftovers, COMPLETE_MARKER, MARKER_FORMAT, running, STAGING, syncPath, type CompletionMarker, type MarkedFile } from '../common/atomic-output.js';
import { unwritable } from '../common/make-folder.js';

/**
 * The folder of `mia journal archive --out` (docs/journal.md "Archive"): Parquet parts under `<table>/date=<day>/`,
 * added to by each run, and `_COMPLETE` listing every part of every completed run (path, size, sha256). A run in
 * progress is written down in `_PENDING` before its parts enter the folder; the journal's commit of the deletion
 * is the run's commit point, and the next run settles a killed one from it (see `settleKilledRun`).
 */

/** The command named in the archive's marker. */
export const ARCHIVE_COMMAND = 'mia journal archive';
/** The record of a run whose parts may be in the folder while its rows are not yet deleted from the journal. */
export const PENDING_RECORD = '_PENDING';

/** What `_PENDING` holds. */
export interface PendingRun {
  runId: string;
  /** The journal the run archives (absolute path). */
  journal: string;
  pid: number;
  files: MarkedFile[];
}

/** journal_meta's key recording that run `runId` committed (its rows left the journal). */
export function committedKey(runId: string): string {
  return `archive:${runId}`;
}

/** Writes `name` in `dir` all or nothing: a temporary file, fsynced, renamed over it, the folder fsynced. */
async function writeDurably(dir: string, name: string, text: string): Promise<void> {
  const tmp = join(dir, `${STAGING}${process.pid}-${name}`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, name));
  await syncPath(dir);
}

/** The archive's marker, or an empty one when the folder is absent or empty; OUTPUT_UNWRITABLE for any other folder. */
export async function readArchiveMarker(dir: string): Promise<CompletionMarker> {
  const empty: CompletionMarker = { format: MARKER_FORMAT, version: 1, command: ARCHIVE_COMMAND, files: [] };
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return empty;
    throw unwritable(dir, 'read the archive folder', e);
  }
  // Empty folders alone (left by parts removed) hold nothing.
  if (entries.length === 0 || (await filesUnder(dir)).length === 0) return empty;
  let marker: CompletionMarker | undefined;
  try {
    marker = JSON.parse(await readFile(join(dir, COMPLETE_MARKER), 'utf8')) as CompletionMarker;
  } catch {
    marker = undefined;
  }
  if (marker?.format !== MARKER_FORMAT || marker.command !== ARCHIVE_COMMAND || !Array.isArray(marker.files)) {
    throw unwritable(dir, 'add to the archive folder', new Error(`it holds files but no ${COMPLETE_MARKER} of ${ARCHIVE_COMMAND}; choose a new or empty folder`));
  }
  return marker;
}

/** Writes the marker listing `files` (sorted by path). */
export async function writeArchiveMarker(dir: string, files: MarkedFile[]): Promise<void> {
  const marker: CompletionMarker = { format: MARKER_FORMAT, version: 1, command: ARCHIVE_COMMAND, files: [...files].sort((a, b) => a.name.localeCompare(b.name)) };
  await writeDurably(dir, COMPLETE_MARKER, JSON.stringify(marker, null, 2) + '\n');
}

/** Writes `_PENDING` for a run about to move its parts in. */
export async function writePending(dir: string, run: PendingRun): Promise<void> {
  await writeDurably(dir, PENDING_RECORD, JSON.stringify(run, null, 2) + '\n');
}

/** Removes `_PENDING` (the run is settled). */
export async function clearPending(dir: string): Promise<void> {
  await rm(join(dir, PENDING_RECORD), { force: true });
  await syncPath(dir);
}

async function readPending(dir: string): Promise<PendingRun | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, PENDING_RECORD), 'utf8')) as PendingRun;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Written whole (a temporary file renamed): unreadable only if changed by hand, and then its parts are unknown.
    throw unwritable(join(dir, PENDING_RECORD), 'read the record of an interrupted archive run', e);
  }
}

/**
 * Settles what a killed run left: its staging folder beside `dir` is removed; a `_PENDING` run is completed when the
 * journal recorded its commit (`committed(runId)`: its rows left the journal, so its parts belong in the marker) and
 * undone otherwise (its parts removed: their rows are still in the journal). Each is told to `notice`. A `_PENDING`
 * of another journal, or of a run still going, is OUTPUT_UNWRITABLE: only that journal can tell which way it went.
 */
export async function settleKilledRun(dir: string, journal: string, committed: (runId: string) => Promise<boolean>, notice: (line: string) => void): Promise<void> {
  await cleanLeftovers(dir, notice);
  // A marker or record being written when the run was killed: its temporary file, never read.
  for (const e of await readdir(dir).catch(() => [] as string[])) {
    const m = /^(\d+)-/.exec(e.startsWith(STAGING) ? e.slice(STAGING.length) : '');
    if (m && !running(Number(m[1]))) await rm(join(dir, e), { force: true });
  }
  const run = await readPending(dir);
  if (run === undefined) return;
  if (run.journal !== journal) {
    throw unwritable(dir, 'add to the archive folder', new Error(`it holds an interrupted run of another journal (${run.journal}); run ${ARCHIVE_COMMAND} on that journal first`));
  }
  if (running(run.pid)) throw unwritable(dir, 'add to the archive folder', new Error(`an archive run (pid ${run.pid}) is writing it`));
  if (await committed(run.runId)) {
    // No marker yet: the run began on an absent or empty folder (it checks), so the run's parts are all it holds.
    const before = await readFile(join(dir, COMPLETE_MARKER), 'utf8').then((t) => (JSON.parse(t) as CompletionMarker).files, () => [] as MarkedFile[]);
    const listed = new Set(before.map((f) => f.name));
    await writeArchiveMarker(dir, [...before, ...run.files.filter((f) => !listed.has(f.name))]);
    notice(`completed archive run ${run.runId} in ${dir}: it was interrupted after its rows left the journal`);
  } else {
    for (const f of run.files) await removePart(dir, f.name);
    notice(`removed ${run.files.length} parts of archive run ${run.runId} from ${dir}: it was interrupted before its rows left the journal, where they still are`);
  }
  await clearPending(dir);
}

/** Removes part `name` (`<table>/date=<day>/<file>`) of the archive, and its day's and table's folders once empty. */
export async function removePart(dir: string, name: string): Promise<void> {
  await rm(join(dir, name), { force: true });
  for (let d = dirname(join(dir, name)); d.length > dir.length; d = dirname(d)) {
    if (!(await rmdir(d).then(() => true, () => false))) break;
  }
}

/** Every file under `dir`, as paths relative to it with `/` separators. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * Checks an archive folder against its marker: every part listed, with its size and sha256, and no other file
 * (the marker aside). Returns the reason it is not a complete archive, or undefined.
 */
export async function verifyArchive(dir: string): Promise<string | undefined> {
  const marker = await readArchiveMarker(dir).catch((e: unknown) => e as Error);
  if (marker instanceof Error) return marker.message;
  const names = (await filesUnder(dir)).filter((n) => n !== COMPLETE_MARKER);
  const listed = marker.files.map((f) => f.name).sort();
  if (names.join('\n') !== listed.join('\n')) return `holds ${names.join(', ')} but the marker lists ${listed.join(', ')}`;
  for (const f of marker.files) {
    const data = await readFile(join(dir, f.name));
    if (data.length !== f.bytes || createHash('sha256').update(data).digest('hex') !== f.sha256) return `${f.name} does not match its size and sha256`;
  }
  return undefined;
}
