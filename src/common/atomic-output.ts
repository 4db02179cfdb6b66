import { createHash } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, realpath, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { makeFolder, unwritable } from './make-folder.js';

/**
 * All-or-nothing outputs (docs/backtest.md "Outputs"). A command's files are written into a staging folder beside
 * the destination (same parent, so the same file system), each file fsynced, then a completion marker listing every
 * file's size and sha256, and only then renamed into place. A killed run leaves at most a hidden staging folder,
 * never files at the destination that look complete.
 *
 * Replacing a previous output: rename(2) replaces an absent or empty destination atomically. A non-empty one is
 * renamed aside (`.mia-old-<pid>-<name>`), the staging folder renamed into place, and the old one removed. Between
 * those two renames (two system calls) the destination is absent; a run killed there leaves the previous output
 * aside, and the next run puts it back before doing anything else. Linux has renameat2(RENAME_EXCHANGE) to close
 * that window, but Node does not expose it.
 */

/** The completion marker's file name, written last into every output folder. */
export const COMPLETE_MARKER = '_COMPLETE';
/** The marker's format tag. */
export const MARKER_FORMAT = 'mia-output';
/** Prefix of a staging folder or file beside its destination: `.mia-tmp-<pid>-<name>`. */
export const STAGING = '.mia-tmp-';
const ASIDE = '.mia-old-';
/** Leftovers of make-folder.ts's write check (runs before atomic outputs): never the user's. */
const WRITE_CHECK = /^\.mia-write-check-\d+$/;

/** One file of a completed output, as the marker lists it. */
export interface MarkedFile {
  name: string;
  bytes: number;
  sha256: string;
}

/** The completion marker: the command and every other file of the folder, by name. Nothing in it depends on time. */
export interface CompletionMarker {
  format: typeof MARKER_FORMAT;
  version: 1;
  command: string;
  files: MarkedFile[];
}

/** What a command writes into an output folder. */
export interface OutputSpec {
  /** `mia backtest`, for the marker and messages. */
  command: string;
  /** The file names it may write: a folder holding only these (and a marker) is a previous output it may replace. */
  files: readonly string[];
  /** Told of leftovers of killed runs (removed, or a previous output put back): one line each. */
  notice?: (line: string) => void;
}

/** The staging folder a command writes into. */
export interface StagingFolder {
  /** The staging folder's path. */
  readonly dir: string;
  /** Path of `name` inside the staging folder. */
  path(name: string): string;
  /** Writes `name` (OUTPUT_UNWRITABLE naming the file at its destination). */
  writeFile(name: string, data: string | Uint8Array): Promise<void>;
}

/** A process id that is running (ours excluded: our own leftovers cannot be in use before we start). */
export function running(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `{ kind, pid }` of a staging or aside entry of `name` in its parent, else undefined. */
function leftover(entry: string, name: string): { kind: 'staging' | 'aside'; pid: number } | undefined {
  for (const [prefix, kind] of [[STAGING, 'staging'], [ASIDE, 'aside']] as const) {
    if (!entry.startsWith(prefix)) continue;
    const m = /^(\d+)-(.*)$/s.exec(entry.slice(prefix.length));
    if (m && m[2] === name) return { kind, pid: Number(m[1]) };
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** sha256 and size of a file, fsynced on the way (so the marker never names bytes still in the page cache only). */
export async function hashAndSync(path: string): Promise<{ bytes: number; sha256: string }> {
  const fh = await open(path, 'r');
  try {
    const data = await fh.readFile();
    await fh.sync();
    return { bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
  } finally {
    await fh.close();
  }
}

/** fsync of a file or a folder (a folder's, so the renames in it survive a power cut). */
export async function syncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Checks a completed output folder against its marker: every file listed, with its size and sha256, and nothing
 * else. Returns the marker, or the reason the folder is not a complete output.
 */
export async function verifyOutputFolder(dir: string): Promise<{ ok: true; marker: CompletionMarker } | { ok: false; reason: string }> {
  let marker: CompletionMarker;
  try {
    marker = JSON.parse(await readFile(join(dir, COMPLETE_MARKER), 'utf8')) as CompletionMarker;
  } catch (e) {
    return { ok: false, reason: `no readable ${COMPLETE_MARKER} marker (${(e as Error).message})` };
  }
  if (marker.format !== MARKER_FORMAT || !Array.isArray(marker.files)) return { ok: false, reason: `${COMPLETE_MARKER} is not a ${MARKER_FORMAT} marker` };
  const names = (await readdir(dir)).filter((n) => n !== COMPLETE_MARKER).sort();
  const listed = marker.files.map((f) => f.name).sort();
  if (names.join('\n') !== listed.join('\n')) return { ok: false, reason: `holds ${names.join(', ')} but the marker lists ${listed.join(', ')}` };
  for (const f of marker.files) {
    const data = await readFile(join(dir, f.name));
    const sha = createHash('sha256').update(data).digest('hex');
    if (data.length !== f.bytes || sha !== f.sha256) return { ok: false, reason: `${f.name} does not match its size and sha256 in the marker` };
  }
  return { ok: true, marker };
}

/** The destination as a folder path: a symlink to a folder is followed, so the link keeps pointing at the output. */
async function destination(path: string): Promise<string> {
  const abs = resolve(path);
  try {
    if ((await lstat(abs)).isSymbolicLink()) return await realpath(abs);
  } catch {
    // Absent, or a dangling link: the checks below say why it cannot be written.
  }
  return abs;
}

/**
 * Removes the leftovers of killed runs beside `dest` (staging and aside folders of processes no longer running)
 * and, when `dest` is absent and a killed run left the previous output aside, puts it back. Each is told to `notice`.
 */
export async function cleanLeftovers(dest: string, notice: (line: string) => void): Promise<void> {
  const parent = dirname(dest);
  const name = basename(dest);
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return; // No parent yet: nothing was ever written here.
  }
  for (const entry of entries.sort()) {
    const l = leftover(entry, name);
    if (!l || running(l.pid)) continue;
    const path = join(parent, entry);
    if (l.kind === 'aside' && !(await exists(dest)) && (await verifyOutputFolder(path)).ok) {
      await rename(path, dest);
      notice(`put back the previous output ${dest}, left aside by an interrupted run (pid ${l.pid})`);
      continue;
    }
    await rm(path, { recursive: true, force: true });
    notice(`removed ${path}, left by an interrupted run (pid ${l.pid})`);
  }
}

/**
 * OUTPUT_UNWRITABLE unless `dest` is absent or a folder holding only a previous output of this command (its files,
 * a marker, make-folder's write checks): a folder of the user's own files is never replaced.
 */
async function mustBeReplaceable(dest: string, spec: OutputSpec): Promise<void> {
  let isDir: boolean;
  try {
    isDir = (await lstat(dest)).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw unwritable(dest, 'read the output folder', e);
  }
  if (!isDir) throw unwritable(dest, 'use it as the output folder', new Error('it is a file, not a folder'));
  const allowed = new Set([...spec.files, COMPLETE_MARKER]);
  const foreign: string[] = [];
  for (const entry of (await readdir(dest)).sort()) {
    if (WRITE_CHECK.test(entry)) continue;
    if (!allowed.has(entry) || !(await lstat(join(dest, entry))).isFile()) foreign.push(entry);
  }
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : '');
    throw unwritable(dest, 'replace the output folder',
      new Error(`it holds files that are not an output of ${spec.command} (${shown}); choose a new or empty folder`));
  }
}

/**
 * Checks before a run that `dest` can take this command's output: leftovers of killed runs cleaned, the folder
 * absent or a previous output, its parent created and writable. OUTPUT_UNWRITABLE otherwise, naming the path.
 */
export async function checkOutputFolder(path: string, spec: OutputSpec): Promise<void> {
  const dest = await destination(path);
  await cleanLeftovers(dest, spec.notice ?? (() => {}));
  await mustBeReplaceable(dest, spec);
  try {
    await makeFolder(dirname(dest));
  } catch (e) {
    throw unwritable(path, 'create the output folder', e);
  }
  const probe = join(dirname(dest), `${STAGING}${process.pid}-${basename(dest)}`);
  try {
    await mkdir(probe);
    await rmdir(probe);
  } catch (e) {
    throw unwritable(path, 'create the output folder', e);
  }
}

/** Writes the marker, then puts the staging folder at `dest` (replacing a previous output), fsyncing on the way. */
async function commitFolder(staging: string, dest: string, spec: OutputSpec): Promise<void> {
  const files: MarkedFile[] = [];
  for (const name of (await readdir(staging)).sort()) files.push({ name, ...(await hashAndSync(join(staging, name))) });
  const marker: CompletionMarker = { format: MARKER_FORMAT, version: 1, command: spec.command, files };
  const fh = await open(join(staging, COMPLETE_MARKER), 'wx');
  try {
    await fh.writeFile(JSON.stringify(marker, null, 2) + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await syncPath(staging);
  try {
    await rename(staging, dest); // An absent or empty destination is replaced atomically.
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    await mustBeReplaceable(dest, spec);
    const aside = join(dirname(dest), `${ASIDE}${process.pid}-${basename(dest)}`);
    await rename(dest, aside);
    try {
      await rename(staging, dest);
    } catch (e2) {
      await rename(aside, dest).catch(() => {});
      throw e2;
    }
    await syncPath(dirname(dest));
    await rm(aside, { recursive: true, force: true });
    return;
  }
  await syncPath(dirname(dest));
}

/**
 * Writes a command's output folder all or nothing: `write` fills a staging folder beside `path`, which is then
 * marked complete and renamed into place. On any failure the staging folder is removed and `path` keeps what it
 * held. A failure to write names the file at its destination (OUTPUT_UNWRITABLE).
 */
export async function writeOutputFolder<T>(path: string, spec: OutputSpec, write: (staging: StagingFolder) => Promise<T>): Promise<T> {
  await checkOutputFolder(path, spec);
  const dest = await destination(path);
  const dir = join(dirname(dest), `${STAGING}${process.pid}-${basename(dest)}`);
  try {
    await mkdir(dir);
  } catch (e) {
    throw unwritable(path, 'create the output folder', e);
  }
  const staging: StagingFolder = {
    dir,
    path: (name) => join(dir, name),
    writeFile: async (name, data) => {
      try {
        await writeFile(join(dir, name), data);
      } catch (e) {
        throw unwritable(join(path, name), 'write the file', e);
      }
    },
  };
  try {
    const result = await write(staging);
    const extra = (await readdir(dir)).filter((n) => !spec.files.includes(n));
    // A programming error, not the user's: the marker must list only files the command documents.
    if (extra.length > 0) throw new Error(`${spec.command} wrote undeclared output files: ${extra.join(', ')}`);
    try {
      await commitFolder(dir, dest, spec);
    } catch (e) {
      throw (e as { code?: string }).code === 'MIA_ERR_OUTPUT_UNWRITABLE' ? e : unwritable(path, 'put the output in place', e);
    }
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes one output file all or nothing: `write` writes the staging path beside `path` (same folder, same name
 * after a hidden prefix, so a tool that reads the extension sees the same one), which is fsynced and renamed over
 * `path`. The rename is the completion: a file at `path` is always a whole run's. Leftovers of killed runs beside it
 * are removed first (told to `notice`).
 */
export async function writeOutputFile<T>(path: string, write: (staging: string) => Promise<T>, notice: (line: string) => void = () => {}): Promise<T> {
  const dest = resolve(path);
  await cleanLeftovers(dest, notice);
  const staging = join(dirname(path), `${STAGING}${process.pid}-${basename(dest)}`);
  try {
    const result = await write(staging);
    try {
      await syncPath(staging);
      await rename(staging, dest);
      await syncPath(dirname(dest));
    } catch (e) {
      throw unwritable(path, 'put the output in place', e);
    }
    return result;
  } finally {
    await rm(staging, { force: true });
  }
}
