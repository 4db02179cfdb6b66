// The trade readers' file calls (src/data/file-access.ts) answered from memory: the fuzz suite hands the readers
// each generated file's bytes without writing it to disk first, which took most of a case's time.
import { Readable } from 'node:stream';
import type { FileAccess, ReadHandle } from '../../src/data/file-access.js';

/** A missing file, as node's fs reports one. */
function notFound(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
}

/** Files held in memory by path; reads see the bytes as they are when read. */
export class MemoryFiles implements FileAccess {
  private readonly files = new Map<string, Uint8Array>();

  /** Puts `bytes` at `path` (the array is kept, not copied: do not change it while a read is under way). */
  set(path: string, bytes: Uint8Array): void {
    this.files.set(path, bytes);
  }

  async access(path: string): Promise<void> {
    this.bytesOf(path);
  }

  async open(path: string): Promise<ReadHandle> {
    const bytes = this.bytesOf(path);
    let open = true;
    return {
      read: async (into, at, n, position) => {
        if (!open) throw Object.assign(new Error('EBADF: bad file descriptor, read'), { code: 'EBADF' });
        const from = Math.min(position, bytes.length);
        const to = Math.min(from + n, bytes.length);
        into.set(bytes.subarray(from, to), at);
        return { bytesRead: to - from };
      },
      stat: async () => ({ size: bytes.length }),
      close: async () => {
        open = false;
      },
    };
  }

  stream(path: string): Readable {
    const bytes = this.files.get(path);
    return new Readable({
      read() {
        // Like a read stream of a missing file: created at once, failing with an 'error' event.
        if (bytes === undefined) this.destroy(notFound(path));
        else {
          this.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
          this.push(null);
        }
      },
    });
  }

  private bytesOf(path: string): Uint8Array {
    const bytes = this.files.get(path);
    if (bytes === undefined) throw notFound(path);
    return bytes;
  }
}
