import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EnvironmentError } from '../errors.js';

/** A system error's reason, for one line: "permission denied (EACCES)". */
function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    ENOTDIR: 'a file is in the way of a folder on the path',
    EISDIR: 'a folder is in the way of the file',
    EROFS: 'read-only file system',
    EEXIST: 'a file is in the way of a folder on the path',
  };
  return err.code ? `${known[err.code] ?? err.message} (${err.code})` : String(e);
}

/**
 * Writes `text` to `file` atomically: into a temporary file beside it, then renamed over
 * it. A run that dies midway leaves the previous file as it was.
 */
export function writeAtomic(file: string, text: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (e) {
    throw new EnvironmentError(dirname(file), `cannot create the folder: ${reason(e)}`);
  }
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new EnvironmentError(file, `cannot write: ${reason(e)}`);
  }
}
