/**
 * Bad input: something in a scenario (or on the command line) that the user must fix.
 * The CLI prints it as one line, `file: field.path: expected X, found Y`, and exits 2.
 */
export class InputError extends Error {
  constructor(
    public fieldPath: string,
    readonly expected: string,
    readonly found: string,
    public file?: string,
  ) {
    super(`${fieldPath}: expected ${expected}, found ${found}`);
    this.name = 'InputError';
  }

  /** The one-line message, naming the file when known. */
  describe(): string {
    const where = [this.file, this.fieldPath].filter((s) => s !== undefined && s !== '').join(': ');
    return `${where}: expected ${this.expected}, found ${this.found}`;
  }
}

/** Several input errors found in one file, reported together. */
export class InputErrors extends Error {
  constructor(readonly errors: InputError[]) {
    super(errors.map((e) => e.describe()).join('\n'));
    this.name = 'InputErrors';
  }
}

/**
 * The environment refused what iovsim needed: an output that cannot be written (no
 * permission, a full disk, a file where a folder must be). Printed as one line naming the
 * path and the system's reason; exit 3.
 */
export class EnvironmentError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'EnvironmentError';
  }
}

/** The exit codes, declared once: `--help`, README and the CLI take them from here. */
export const EXIT = {
  ok: { code: 0, help: 'ok' },
  internal: { code: 1, help: 'internal error (a bug: please report it with the command and scenario)' },
  badInput: { code: 2, help: 'bad input (a scenario, an argument, a result CSV or its .meta.json, a shard)' },
  environment: {
    code: 3,
    help: 'environment (an output that cannot be written, a full disk, a missing system dependency)',
  },
  disagrees: {
    code: 4,
    help: 'a failed `verify` or `compare` (the model disagrees with theory or the published figures)',
  },
  interrupted: {
    code: 130,
    help: 'interrupted by SIGINT (Ctrl-C; the CSV keeps the rows completed, --resume finishes)',
  },
  terminated: {
    code: 143,
    help: 'stopped by SIGTERM (as schedulers stop a job; the CSV keeps the rows completed, --resume finishes)',
  },
} as const;
