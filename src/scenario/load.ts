import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { InputError, InputErrors } from '../errors.js';
import { scenarioSchema, type ScenarioFile } from './schema.js';

/** Reads, parses and validates a scenario file. Throws InputError(s) naming the file and field. */
export function loadScenarioFile(file: string): ScenarioFile {
  return validateScenario(readScenarioData(file), file);
}

/** Reads and parses a scenario file without validating it (sweeps validate each point). */
export function readScenarioData(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const found = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : `an unreadable file (${code})`;
    throw new InputError('', 'a readable scenario file (.yaml, .yml or .json)', found, file);
  }
  return parseText(file, text);
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
    throw new InputError('', 'well-formed YAML', `a syntax error at ${at}: ${err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, file);
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) throw new InputError('', 'a scenario (a mapping of fields)', 'an empty file', file);
  return value;
}

/** Validates parsed scenario data against the schema. */
export function validateScenario(raw: unknown, file: string): ScenarioFile {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError('', 'a scenario (a mapping of fields)', describe(raw), file);
  }
  const r = scenarioSchema.safeParse(raw);
  if (r.success) return { ...r.data, name: r.data.name ?? basename(file).replace(/\.(ya?ml|json)$/i, '') };
  const errors = r.error.issues.flatMap((issue) => toInputErrors(issue, raw, file));
  throw errors.length === 1 ? errors[0] : new InputErrors(errors);
}

/** A short rendering of a found value for an error message. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k as string];
  }
  return v;
}

const dotted = (path: PropertyKey[]): string =>
  path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s === '' ? String(k) : `${s}.${String(k)}`), '');

/** Field names allowed at `path` in the schema, for "unknown field" messages. */
function knownKeys(path: PropertyKey[]): string[] {
  let s: z.core.$ZodType | undefined = scenarioSchema;
  const unwrap = (t: z.core.$ZodType | undefined): z.core.$ZodType | undefined => {
    let cur = t;
    for (let i = 0; i < 10 && cur; i++) {
      const def = cur._zod.def as unknown as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType; out?: z.core.$ZodType };
      if (def.innerType) cur = def.innerType;
      // A preprocessed field (a catalog name or a mapping) is a pipe from a transform to the schema.
      else if (def.type === 'pipe' && def.in && def.out) cur = (def.in._zod.def as { type: string }).type === 'transform' ? def.out : def.in;
      else break;
    }
    return cur;
  };
  for (const k of path) {
    s = unwrap(s);
    const def = s?._zod.def as unknown as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType; valueType?: z.core.$ZodType };
    if (def?.type === 'object' && def.shape) s = def.shape[k as string];
    else if (def?.type === 'array') s = def.element;
    else if (def?.type === 'record') s = def.valueType;
    else return [];
  }
  const def = unwrap(s)?._zod.def as unknown as { type: string; shape?: Record<string, unknown> };
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function toInputErrors(issue: z.core.$ZodIssue, raw: unknown, file: string): InputError[] {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(path);
    return issue.keys.map(
      (k) =>
        new InputError(
          dotted([...path, k]),
          known.length ? `a known field (one of: ${known.join(', ')})` : 'no such field',
          `unknown field "${k}"`,
          file,
        ),
    );
  }
  // A field written in short form (`nic: intel-82599` for `nic: {model: ...}`) has no value at
  // the full path: show what was written instead.
  let at = path;
  while (at.length > 0 && valueAt(raw, at) === undefined && typeof valueAt(raw, at.slice(0, -1)) !== 'object') at = at.slice(0, -1);
  const found = describe(valueAt(raw, at));
  let expected: string;
  if (!issue.message.startsWith('Invalid') && !issue.message.startsWith('Too ')) expected = issue.message;
  else if (issue.code === 'invalid_value') expected = `one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  else if (issue.code === 'invalid_type') expected = `a value of type ${issue.expected}`;
  else if (issue.code === 'too_small') expected = `at least ${String(issue.minimum)}${issue.origin === 'array' ? ' entries' : ''}`;
  else if (issue.code === 'too_big') expected = `at most ${String(issue.maximum)}${issue.origin === 'array' ? ' entries' : ''}`;
  else expected = issue.message;
  return [new InputError(dotted(path), expected, found, file)];
}
