import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
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
 * Creates `dir` and the folders above it that are missing, one level at a time. Node's
 * `mkdirSync(dir, { recursive: true })` loops forever where a level can be neither found nor
 * made (a path under /proc), and a signal cannot stop it; made level by level, that is an
 * error. Throws EnvironmentError naming the folder.
 */
export function makeFolders(dir: string): void {
  const missing: string[] = [];
  // Resolved first, as Node's recursive mkdir does: 'x/../y' makes no 'x'.
  let at = resolve(dir);
  for (;;) {
    // Not there (or not readable): made below, where any error is reported.
    const isDir = folderAt(at);
    if (isDir === true) break;
    if (isDir === false) throw new EnvironmentError(at, 'cannot create the folder: a file is in the way');
    missing.push(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      mkdirSync(missing[i]);
    } catch (e) {
      // Made meanwhile by another process: fine. A dangling symlink or a loop: an error.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && folderAt(missing[i]) === true) continue;
      const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no folder can be made there (ENOENT)' : reason(e);
      throw new EnvironmentError(missing[i], `cannot create the folder: ${why}`);
    }
  }
}

/** Whether `path` is a folder (true), something else (false), or not there or not readable (undefined). */
function folderAt(path: string): boolean | undefined {
  try {
    return statSync(path).isDirectory();
  } catch {
    return undefined;
  }
}

/**
 * Writes `text` to `file` atomically: into a temporary file beside it, then renamed over
 * it. A run that dies midway leaves the previous file as it was.
 */
export function writeAtomic(file: string, text: string): void {
  makeFolders(dirname(file));
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new EnvironmentError(file, `cannot write: ${reason(e)}`);
  }
}
