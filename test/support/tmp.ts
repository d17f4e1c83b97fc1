import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: every test's temporary folders go under one folder for the run
 * (TMPDIR, which os.tmpdir() reads and the test workers inherit), removed at the end, so a
 * test that forgets to clean up leaves nothing behind.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'iovsim-tests-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true });
  };
}
