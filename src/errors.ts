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
