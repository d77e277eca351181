import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';

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

/**
 * Why a file that holds a secret is open to more readers than the exporter, or undefined: it is
 * readable by others, or by a group the exporter's process is not in. (Group-readable for the
 * process's own group is how a service account, a systemd unit or a Kubernetes fsGroup shares it.)
 */
export function exposedSecret(file: string): string | undefined {
  let mode: number;
  let gid: number;
  try {
    ({ mode, gid } = statSync(file));
  } catch {
    return undefined; // reported where it is read
  }
  const ownGroup = process.getgid?.() === gid || (process.getgroups?.() ?? []).includes(gid);
  if ((mode & 0o004) === 0 && ((mode & 0o040) === 0 || ownGroup)) return undefined;
  const octal = (mode & 0o777).toString(8).padStart(3, '0');
  return `${file} is readable by ${mode & 0o004 ? 'every user' : 'a group the exporter is not in'} (mode ${octal}): chmod 600 (or 640 with the exporter's group)`;
}
