import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { InputError } from '../../errors.js';
import type { RunContext } from '../../report/question.js';
import { withFile, wroteFiles, requiredList, type CommandContext } from '../context.js';

export const command = 'report <files..>';
export const describe = 'draw result CSVs as charts (.svg beside each CSV) and one self-contained HTML page';

export function builder(y: Argv) {
  return y
    .positional('files', {
      ...requiredList,
      describe: 'result CSV files (runs, sweeps, searches, results/published.csv)',
    })
    .option('out', { alias: 'o', type: 'string', default: 'report.html', describe: 'the HTML file to write' })
    .option('scenario', {
      type: 'string',
      array: true,
      describe:
        "scenario files the CSVs came from (matched by name): the page then states each run's question, host, NIC, load and objectives, and draws them",
    });
}

type Args = Awaited<ReturnType<typeof builder>['argv']>;

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * `iovsim report <csv..> -o report.html`: charts of result CSVs as .svg files beside them
 * and one self-contained HTML page. Bad input (a missing file, a CSV without the columns
 * its charts need, an output that is a directory or one of the inputs) throws InputError
 * before anything is written. Returns the files written, the page last.
 */
export async function reportCommand(
  csvFiles: string[],
  out: string,
  scenarios: string[] = [],
  contexts?: (RunContext | undefined)[],
): Promise<string[]> {
  if (csvFiles.length === 0) throw new InputError('files', 'at least one result CSV file', 'none');
  if (!out || out.trim() === '')
    throw new InputError('--out', 'a file name for the HTML report, such as report.html', 'nothing');
  if (isDirectory(out))
    throw new InputError('--out', 'a file name for the HTML report, such as report.html', `the directory ${out}`);
  if (csvFiles.some((f) => resolve(f) === resolve(out)))
    throw new InputError('--out', 'an HTML file that is not one of the input CSVs', out);
  const { writeReport } = await import('../../report/report.js');
  return writeReport(csvFiles, out, contexts ?? (await contextsFor(csvFiles, scenarios)));
}

/**
 * Each CSV's question, from the scenario files given: a scenario goes with the CSVs whose
 * `scenario` column holds its name. A scenario that names no CSV is bad input.
 */
async function contextsFor(csvFiles: string[], scenarios: string[]): Promise<(RunContext | undefined)[]> {
  if (scenarios.length === 0) return [];
  const { planFile } = await import('../../scenario/plan.js');
  const { questionOf } = await import('../../report/question.js');
  const { readTable } = await import('../../report/load.js');
  const names = csvFiles.map((f) => new Set(readTable(f).rows.map((r) => r.scenario)));
  const out: (RunContext | undefined)[] = csvFiles.map(() => undefined);
  for (const file of scenarios) {
    const plan = withFile(file, () => planFile(file));
    const matched = names.flatMap((n, i) => (n.size === 1 && n.has(plan.name) ? [i] : []));
    if (matched.length === 0)
      throw new InputError(
        '--scenario',
        'a scenario whose name is in the scenario column of one of the CSVs',
        `${file} (name "${plan.name}")`,
      );
    for (const i of matched) out[i] = { question: questionOf(plan) };
  }
  return out;
}

/** The page `iovsim run --report` writes for a run's CSV: beside it, with .html for .csv. */
export function reportFileFor(csvFile: string): string {
  return csvFile.replace(/\.csv$/i, '') + '.html';
}

/** What a report wrote, as "wrote" names them: the page (written last), then its charts. */
export const wroteReport = (written: string[]): string =>
  wroteFiles([written[written.length - 1], ...written.slice(0, -1)]);

/** `iovsim run <scenario> --report`: the report of one run's CSV, beside it, with what the run asked and what produced it. */
export async function reportForRun(csvFile: string, context: RunContext): Promise<string[]> {
  return reportCommand([csvFile], reportFileFor(csvFile), [], [context]);
}

export async function handler(argv: Args, { io }: CommandContext): Promise<void> {
  const written = await reportCommand(argv.files as string[], argv.out, (argv.scenario as string[] | undefined) ?? []);
  io.out(`${wroteReport(written)}\n`);
}
