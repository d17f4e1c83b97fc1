import { existsSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { InputError, InputErrors } from '../errors.js';

/** Where a CLI run reads and writes: injectable so tests can capture output without a child process. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  isTty: boolean;
  /** Standard input as text, for `run -`; refused when it is a terminal. */
  stdin?: () => Promise<string>;
}

/** The name standard input goes by in messages. */
export const STDIN = '<stdin>';

/** Reads standard input to its end: a scenario piped or redirected, of at most MAX_SCENARIO_BYTES. */
async function readProcessStdin(): Promise<string> {
  const { MAX_SCENARIO_BYTES } = await import('../scenario/load.js');
  const expected = 'a scenario piped or redirected to standard input (iovsim run - < x.yaml)';
  if (process.stdin.isTTY) throw new InputError('', expected, 'a terminal', STDIN);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > MAX_SCENARIO_BYTES)
      throw new InputError('', `a scenario of at most ${MAX_SCENARIO_BYTES} bytes`, 'more', STDIN);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTty: Boolean(process.stderr.isTTY),
  stdin: readProcessStdin,
};

/**
 * The folder iovsim is installed in (or the repository): bin/, dist/ or src/, scenarios/,
 * scenario.schema.json. This module sits two folders below it, in src/cli, dist/cli or (bundled)
 * dist/bundle: every path into the package is taken from here.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

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

/** Refuses an --out that exists and is not a directory, or lies under a file, before anything runs. */
export function checkOutDir(out: string): void {
  const expected = 'a directory for the results (created if it does not exist)';
  if (out.trim() === '') throw new InputError('--out', expected, 'nothing');
  if (existsSync(out) && !statSync(out).isDirectory()) throw new InputError('--out', expected, `the file ${out}`);
  for (let up = dirname(out); up !== dirname(up); up = dirname(up)) {
    if (existsSync(up)) {
      if (!statSync(up).isDirectory()) throw new InputError('--out', expected, `a path under the file ${up}`);
      break;
    }
  }
}

/** An option given once: yargs makes a repeated option an array, which would silently pick one. */
export function once<T>(name: string, v: T | T[], choices?: readonly string[]): T {
  if (Array.isArray(v))
    throw new InputError(
      `--${name}`,
      `one of ${choices?.join(', ') ?? 'the values'} (once)`,
      JSON.stringify(v.join(',')),
    );
  return v;
}

/** The most worker threads --jobs may ask for: more than a few per core only costs memory. */
export const maxJobs = (): number => Math.max(4, 4 * availableParallelism());

/** `--jobs`, checked: a whole number from 1 to maxJobs(); default one per core. */
export function jobsOf(jobs: number | undefined): number {
  const n = jobs ?? availableParallelism();
  if (!(Number.isInteger(n) && n >= 1 && n <= maxJobs()))
    throw new InputError('--jobs', `a whole number from 1 to ${maxJobs()} (4 per core)`, String(jobs));
  return n;
}

/** `--max-events` of `run` and `validate`: the one budget both check a study against. */
export const maxEventsOption = {
  type: 'number',
  requiresArg: true,
  describe:
    'work budget in estimated events (frames x hops x runs); a study above it is refused before it runs (default 2e10, about an hour or two)',
} as const;

export const jobsOption = {
  type: 'number',
  describe: `worker threads for sweep points and replications (default: one per core, here ${availableParallelism()}; at most 4 per core)`,
} as const;

/** "wrote" and the files, those in the first one's folder by their names alone. */
export const wroteFiles = (files: string[]): string =>
  'wrote ' + files.map((f, i) => (i > 0 && dirname(f) === dirname(files[0]) ? basename(f) : f)).join(', ');

/**
 * A positional list of one or more names (files, shards). `default: undefined` because yargs
 * would otherwise print "[default: []]" beside "[required]".
 */
export const requiredList = { type: 'string', array: true, demandOption: true, default: undefined } as const;
