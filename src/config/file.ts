import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** The largest file the exporter reads: config, password, CA, web config, certificate and key files are all far smaller. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Why a file was not read, worded to follow "cannot read FILE (...)"; never its content. */
export class FileReadError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'FileReadError';
  }
}

/**
 * A regular file's text, read whole if it is at most `maxBytes`. Anything else is refused with a
 * FileReadError, never read: a device such as /dev/zero would be read until memory ran out, and
 * a FIFO would block the process until something wrote to it (it is opened without blocking, so
 * that the check can refuse it).
 */
export function readTextFile(file: string, maxBytes = MAX_FILE_BYTES): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new FileReadError((error as NodeJS.ErrnoException).code ?? 'error');
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FileReadError('not a regular file');
    if (stat.size > maxBytes) throw new FileReadError(`larger than ${maxBytes} bytes`);
    // Read to the end, not to the size stat gave: a file may grow meanwhile, and some report 0.
    let buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(stat.size + 1, 4096)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) throw new FileReadError(`larger than ${maxBytes} bytes`);
        const grown = Buffer.allocUnsafe(Math.min(maxBytes + 1, 2 * length));
        buffer.copy(grown);
        buffer = grown;
      }
      let read: number;
      try {
        read = readSync(fd, buffer, length, buffer.length - length, null);
      } catch (error) {
        throw new FileReadError((error as NodeJS.ErrnoException).code ?? 'error');
      }
      if (read === 0) break;
      length += read;
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}
