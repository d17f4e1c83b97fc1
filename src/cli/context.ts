import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { InputError, InputErrors } from '../errors.js';

/** Where a CLI run writes: injectable so tests can capture output without a child process. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  isTty: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTty: Boolean(process.stderr.isTTY),
};

/** What a command's handler gets besides its arguments. */
export interface CommandContext {
  io: Io;
  /** Sets the exit code the command ends with (errors thrown set their own). */
  exit(code: number): void;
}

/** A rethrower that names `file` in input errors that do not name one yet. */
export const blame =
  (file: string) =>
  (e: unknown): never => {
    if (e instanceof InputError) e.file ??= file;
    if (e instanceof InputErrors) for (const x of e.errors) x.file ??= file;
    throw e;
  };

/** Runs `f`, naming `file` in any input error it throws. */
export function withFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    return blame(file)(e);
  }
}

/** Refuses an --out that exists and is not a directory, before anything runs. */
export function checkOutDir(out: string): void {
  if (out.trim() === '') throw new InputError('--out', 'a directory for the results (created if it does not exist)', 'nothing');
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new InputError('--out', 'a directory for the results (created if it does not exist)', `the file ${out}`);
  }
}

/** The most worker threads --jobs may ask for: more than a few per core only costs memory. */
export const maxJobs = (): number => Math.max(4, 4 * availableParallelism());

/** `--jobs`, checked: a whole number from 1 to maxJobs(); default one per core. */
export function jobsOf(jobs: number | undefined): number {
  const n = jobs ?? availableParallelism();
  if (!(Number.isInteger(n) && n >= 1 && n <= maxJobs())) throw new InputError('--jobs', `a whole number from 1 to ${maxJobs()} (4 per core)`, String(jobs));
  return n;
}

export const jobsOption = {
  type: 'number',
  describe: `worker threads for sweep points and replications (default: one per core, here ${availableParallelism()}; at most 4 per core)`,
} as const;
