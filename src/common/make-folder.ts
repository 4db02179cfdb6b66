import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCode, MiaError } from './errors.js';

/**
 * Creates the folder `path` and any missing parents, as `mkdir -p`; an existing folder is fine. Node's own
 * `mkdir(path, { recursive: true })` (Node 20) never returns when a parent exists but cannot hold the child:
 * procfs answers ENOENT for `/proc/x`, Node takes that for a missing parent, finds `/proc` there (EEXIST) and
 * tries `/proc/x` again, for ever, in C++ (the sync call freezes the thread). Here an ENOENT once the parent
 * is known to exist is final. Errors are Node's own (`code` ENOENT, ENOTDIR, EEXIST for a file, EACCES, EROFS).
 */
export async function makeFolder(path: string): Promise<void> {
  try {
    await mkdir(path);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return mustBeFolder(path, e);
    if (code !== 'ENOENT' || dirname(path) === path) throw e;
  }
  await makeFolder(dirname(path));
  try {
    await mkdir(path);
  } catch (e) {
    // Another process may have made it meanwhile; ENOENT now means the parent cannot hold it.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return mustBeFolder(path, e);
    throw e;
  }
}

/** Resolves when `path` is a folder (a symlink to one counts); otherwise throws `e`, the EEXIST that led here. */
async function mustBeFolder(path: string, e: unknown): Promise<void> {
  // stat follows links: a dangling link throws its own ENOENT, which says more than EEXIST.
  if (!(await stat(path)).isDirectory()) throw e;
}

/** OUTPUT_UNWRITABLE naming `path` (a folder or a file) and the system's reason. */
export function unwritable(path: string, what: string, e: unknown): MiaError {
  return new MiaError(ErrorCode.OUTPUT_UNWRITABLE, `${path}: cannot ${what} (${(e as Error).message})`, { file: path });
}

/**
 * Creates an output folder and writes (then removes) a file in it. Commands run it before their work, so a
 * path that cannot be created or written fails at once with OUTPUT_UNWRITABLE, not after a whole backtest or
 * training run.
 */
export async function prepareOutputFolder(dir: string): Promise<void> {
  try {
    await makeFolder(dir);
  } catch (e) {
    throw unwritable(dir, 'create the output folder', e);
  }
  const probe = join(dir, `.mia-write-check-${process.pid}`);
  try {
    await writeFile(probe, '');
    await rm(probe);
  } catch (e) {
    throw unwritable(dir, 'write in the output folder', e);
  }
}
