import { statSync } from 'node:fs';
import { InputError } from '../errors.js';
import { writeReport } from '../report/report.js';

/**
 * `iovsim report <csv..> -o report.html`: charts of result CSVs as .svg files beside them
 * and one self-contained HTML page. Bad input (a missing file, a CSV without the columns
 * its charts need, an output that is a directory) throws InputError, which the CLI prints
 * as one line before exiting 2. Returns the files written, the page last.
 */
export async function reportCommand(csvFiles: string[], out: string): Promise<string[]> {
  if (csvFiles.length === 0) throw new InputError('files', 'at least one result CSV file', 'none');
  if (!out || out.trim() === '') throw new InputError('--out', 'a file name for the HTML report, such as report.html', 'nothing');
  if (isDirectory(out)) throw new InputError('--out', 'a file name for the HTML report, such as report.html', `the directory ${out}`);
  return writeReport(csvFiles, out);
}

/** The page `iovsim run --report` writes for a run's CSV: beside it, with .html for .csv. */
export function reportFileFor(csvFile: string): string {
  return csvFile.replace(/\.csv$/i, '') + '.html';
}

/** `iovsim run <scenario> --report`: the report of one run's CSV, beside it. */
export async function reportForRun(csvFile: string): Promise<string[]> {
  return reportCommand([csvFile], reportFileFor(csvFile));
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
