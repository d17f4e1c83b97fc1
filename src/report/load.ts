import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors.js';
import { parseTable, type Table } from './table.js';

/** Reads a CSV file; a missing or unreadable file is the user's to fix, so it is an InputError. */
export function readTable(file: string): Table {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new InputError('', 'a CSV file', 'a directory', file);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      '',
      'a readable CSV file',
      code === 'ENOENT' ? 'no such file' : ((e as Error).message ?? String(e)),
      file,
    );
  }
  return parseTable(text, file);
}
