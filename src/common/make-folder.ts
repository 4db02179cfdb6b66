import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

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
