import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { InputError, InputErrors } from '../errors.js';
import { hostOf, nicOf, objectOf, scenarioSchema, type Scenario } from './schema.js';

/** The largest scenario file read: far above any real one (the biggest shipped is a few kB). */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

/**
 * Reads a scenario file's bytes: a regular file of at most MAX_SCENARIO_BYTES. A FIFO, a
 * device or a directory is refused before anything is read, so `/dev/zero` cannot fill
 * memory and a FIFO cannot block.
 */
export function readScenarioBytes(file: string): Buffer {
  let fd: number;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const found =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'a directory'
          : code === 'EACCES'
            ? 'a file without read permission'
            : `an unreadable file (${code})`;
    throw new InputError('', 'a readable scenario file (.yaml, .yml or .json)', found, file);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory())
      throw new InputError('', 'a readable scenario file (.yaml, .yml or .json)', 'a directory', file);
    if (!st.isFile())
      throw new InputError('', 'a regular scenario file (.yaml, .yml or .json)', 'a device, FIFO or socket', file);
    if (st.size > MAX_SCENARIO_BYTES)
      throw new InputError('', `a scenario file of at most ${MAX_SCENARIO_BYTES} bytes`, `${st.size} bytes`, file);
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/** Reads a scenario file's text (see readScenarioBytes). */
export function readScenarioText(file: string): string {
  return readScenarioBytes(file).toString('utf8');
}

/** Reads and parses a scenario file without validating it. */
export function readScenarioData(file: string): unknown {
  return parseText(file, readScenarioText(file));
}

/** Parses YAML, or JSON for a .json file; a syntax error names the line and column. */
export function parseText(file: string, text: string): unknown {
  if (extname(file).toLowerCase() === '.json') {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new InputError('', 'well-formed JSON', `a syntax error: ${(e as Error).message}`, file);
    }
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const pos = err.linePos?.[0];
    const at = pos ? `line ${pos.line}, column ${pos.col}` : 'the file';
    throw new InputError(
      '',
      'well-formed YAML',
      `a syntax error at ${at}: ${err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      file,
    );
  }
  let value: unknown;
  try {
    // Aliases expand on conversion; a "billion laughs" file would grow without bound.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new InputError(
      '',
      'YAML without excessive aliases (at most 100 alias expansions)',
      `a file whose aliases expand too far (${(e as Error).message})`,
      file,
    );
  }
  if (value === null || value === undefined)
    throw new InputError('', 'a scenario (a mapping of fields)', 'an empty file', file);
  return value;
}

/**
 * Validates parsed scenario data against the schema; every schema error of the file is
 * reported. The result has catalog shorthands written out and a name.
 */
export function validateScenario(raw: unknown, file: string): Scenario {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError('', 'a scenario (a mapping of fields)', describe(raw), file);
  }
  const r = scenarioSchema.safeParse(raw);
  if (!r.success) throw inputErrors(r.error.issues, raw, file);
  return {
    ...r.data,
    name: r.data.name ?? basename(file).replace(/\.(ya?ml|json)$/i, ''),
    host: hostOf(r.data),
    nic: nicOf(r.data),
  };
}

/** Turns schema issues into one InputError, or InputErrors when there are several (each said once). */
export function inputErrors(
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  file: string,
  prefix: PropertyKey[] = [],
): InputError | InputErrors {
  const seen = new Set<string>();
  const errors = issues
    .flatMap((issue) => toInputErrors(issue, raw, file, prefix))
    .filter((e) => !seen.has(e.describe()) && seen.add(e.describe()));
  return errors.length === 1 ? errors[0] : new InputErrors(errors);
}

/** A short rendering of a found value for an error message. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (typeof v === 'number' && !Number.isFinite(v))
    return Number.isNaN(v) ? '.nan (not a number)' : v > 0 ? '.inf (infinity)' : '-.inf (minus infinity)';
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k as string];
  }
  return v;
}

export const dotted = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s === '' ? String(k) : `${s}.${String(k)}`),
    '',
  );

/** Field names allowed at `path` in the schema, for "unknown field" messages. */
function knownKeys(path: PropertyKey[]): string[] {
  let s: z.ZodType | undefined = scenarioSchema;
  for (const k of path) {
    if (typeof k === 'number') {
      s = elementOf(s);
      continue;
    }
    const obj = objectOf(s);
    if (obj) s = obj.shape[k as string] as z.ZodType | undefined;
    else s = valueTypeOf(s);
  }
  const obj = objectOf(s);
  return obj ? Object.keys(obj.shape) : [];
}

function unwrapped(t: z.ZodType | undefined): { type: string; element?: z.ZodType; valueType?: z.ZodType } | undefined {
  let cur = t;
  for (let i = 0; i < 10 && cur; i++) {
    const def = cur._zod.def as unknown as {
      type: string;
      innerType?: z.ZodType;
      element?: z.ZodType;
      valueType?: z.ZodType;
    };
    if (def.innerType) cur = def.innerType;
    else return def;
  }
  return undefined;
}
const elementOf = (t: z.ZodType | undefined) => unwrapped(t)?.element;
const valueTypeOf = (t: z.ZodType | undefined) => unwrapped(t)?.valueType;

/**
 * One issue as input errors. A union none of whose branches matched reports the branch the
 * value was meant for, when one branch accepted its type (a mapping written for `host:`
 * with a bad field inside): its own errors say what is wrong, where the union's message
 * could only list the alternatives.
 */
function toInputErrors(issue: z.core.$ZodIssue, raw: unknown, file: string, prefix: PropertyKey[]): InputError[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // A branch whose root took the value's type (only its contents, or its value, failed)
    // is the one the user meant; the deeper its errors, the surer.
    const typeMismatch = (i: z.core.$ZodIssue) =>
      i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_union');
    const rootValue = (i: z.core.$ZodIssue) => i.path.length === 0 && i.code === 'invalid_value';
    // A branch that only says "not this value" (a literal, an enum) is not more meant than
    // the others: the union's own message, listing the alternatives, says more.
    const meant = issue.errors.filter((branch) => !branch.some(typeMismatch) && !branch.every(rootValue));
    if (meant.length === 1) return meant[0].flatMap((i) => toInputErrors(i, raw, file, path));
  }
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(path);
    return issue.keys.map(
      (k) =>
        new InputError(
          dotted([...path, k]),
          known.length ? `a known field (one of: ${known.join(', ')})` : 'no such field',
          `unknown field "${k}"${suggestion(k, known)}`,
          file,
        ),
    );
  }
  // A field written in short form has no value at the full path: show what was written instead.
  let at = path;
  while (at.length > 0 && valueAt(raw, at) === undefined && typeof valueAt(raw, at.slice(0, -1)) !== 'object')
    at = at.slice(0, -1);
  const found = describe(valueAt(raw, at));
  let expected: string;
  if (!issue.message.startsWith('Invalid') && !issue.message.startsWith('Too ')) expected = issue.message;
  else if (issue.code === 'invalid_value')
    expected = `one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  else if (issue.code === 'invalid_type') expected = `a value of type ${issue.expected}`;
  else if (issue.code === 'too_small')
    expected = `at least ${String(issue.minimum)}${issue.origin === 'array' ? ' entries' : ''}`;
  else if (issue.code === 'too_big')
    expected = `at most ${String(issue.maximum)}${issue.origin === 'array' ? ' entries' : issue.origin === 'string' ? ' characters' : ''}`;
  else expected = issue.message;
  return [new InputError(dotted(path), expected, found, file)];
}

/** " (did you mean X?)" for a misspelt field name close to a known one. */
export function suggestion(name: string, known: string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3))
    ? ` (did you mean "${best}"?)`
    : '';
}

/** Edits (insert, delete, substitute, swap two neighbours) that turn a into b. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
