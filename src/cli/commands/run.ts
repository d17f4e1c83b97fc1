import { basename, join, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import type { Argv } from 'yargs';
import type { Row } from '../../metrics/metrics.js';
import type { ProgressSink } from '../../experiment/runner.js';
import type { Plan } from '../../scenario/plan.js';
import { blame, checkOutDir, jobsOf, jobsOption, once, withFile, type CommandContext } from '../context.js';

export const command = 'run <files..>';
const FORMATS = ['table', 'csv', 'json'] as const;
export const describe =
  'run scenario files (single runs, sweeps, replications or searches); print a table and write one CSV per file';

export function builder(y: Argv) {
  return y
    .positional('files', {
      type: 'string',
      array: true,
      describe: 'scenario files (.yaml, .yml or .json)',
      demandOption: true,
    })
    .option('out', {
      type: 'string',
      default: 'results',
      describe: 'directory for the CSV files (<out>/<scenario file name>.csv)',
    })
    .option('seed', { type: 'number', describe: "random seed, instead of the scenario's (0 to 2147483647)" })
    .option('modes', {
      type: 'string',
      array: true,
      describe: "paths to run, instead of the scenario's (e.g. --modes sriov,vmdq)",
    })
    .option('max-events', {
      type: 'number',
      requiresArg: true,
      describe:
        'work budget in estimated events (frames x hops x runs); a study above it is refused before it runs (default 2e10, about an hour or two)',
    })
    .option('duration', {
      type: 'string',
      requiresArg: true,
      describe: 'simulated duration, instead of the scenario\'s (e.g. "50 ms")',
    })
    .option('format', { choices: FORMATS, default: 'table' as const, describe: 'what to print on stdout' })
    .option('jobs', jobsOption)
    .option('resume', {
      type: 'boolean',
      default: false,
      describe: 'keep the rows already in the CSV (from an interrupted run) and compute only the rest',
    })
    .option('report', {
      type: 'boolean',
      default: false,
      describe: 'also write charts (.svg) and an HTML report beside each CSV',
    })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress bar or messages on stderr' });
}

type Args = Awaited<ReturnType<typeof builder>['argv']>;

/** A progress bar on stderr: rows done of total, and the time left. */
async function progressBar(name: string): Promise<ProgressSink> {
  const { Presets, SingleBar } = await import('cli-progress');
  const bar = new SingleBar(
    {
      format: `${name} [{bar}] {value}/{total} rows | {percentage}% | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  return { start: (total) => bar.start(total, 0), advance: (by) => bar.increment(by), stop: () => bar.stop() };
}

/** The CSV a scenario file's rows go to: <out>/<file name without extension>.csv. */
export const csvFileFor = (out: string, file: string): string =>
  join(out, `${basename(file).replace(/\.(ya?ml|json)$/i, '')}.csv`);

export async function handler(argv: Args, ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  const { parseOverrides } = await import('../../scenario/overrides.js');
  const { planFile } = await import('../../scenario/plan.js');
  const overrides = parseOverrides({
    seed: argv.seed,
    modes: argv.modes,
    duration: argv.duration,
    maxEvents: argv['max-events'],
  });
  const jobs = jobsOf(argv.jobs);
  const format = once('format', argv.format, FORMATS);
  const out = once('out', argv.out);
  checkOutDir(out);
  const files = argv.files as string[];
  const writers = new Map<string, string>();
  for (const file of files) {
    const csv = resolve(csvFileFor(out, file));
    const other = writers.get(csv);
    if (other !== undefined && resolve(other) !== resolve(file)) {
      throw new InputError(
        '',
        'scenario files with different names (each writes <out>/<name>.csv)',
        `${other} and ${file} both writing ${csvFileFor(out, file)}`,
        file,
      );
    }
    writers.set(csv, file);
  }
  const plans = files.map((file) => withFile(file, () => planFile(file, overrides)));
  const { taskRunner } = await import('../../experiment/pool.js');
  const { Interrupted, runPlan } = await import('../../experiment/runner.js');
  const { toCsv } = await import('../../output/csv.js');
  const { tableFor } = await import('../tables.js');
  const runner = taskRunner(jobs);
  let aborted = false;
  const onSignal = () => {
    aborted = true;
    io.err('\niovsim: interrupted: finishing the rows in flight, then stopping\n');
  };
  process.on('SIGINT', onSignal);
  const printed: Row[] = [];
  try {
    for (const plan of plans as Plan[]) {
      const started = Date.now();
      if (!argv.quiet)
        for (const note of plan.points[0]?.exp.notes ?? []) io.err(`iovsim: note: ${plan.file}: ${note}\n`);
      const csvFile = csvFileFor(out, plan.file);
      const rows = await runPlan(plan, {
        runner,
        concurrency: jobs,
        csvFile,
        resume: argv.resume,
        onWarning: (message) => io.err(`iovsim: warning: ${message}\n`),
        progress: !argv.quiet && io.isTty ? await progressBar(plan.name) : undefined,
        aborted: () => aborted,
      }).catch(blame(plan.file));
      if (format === 'table') io.out(tableFor(plan, rows) + '\n');
      else if (format === 'csv') io.out(toCsv(rows));
      printed.push(...rows);
      if (!argv.quiet) io.err(`${plan.name}: wrote ${csvFile} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      if (argv.report) {
        const { reportForRun } = await import('./report.js');
        const written = await reportForRun(csvFile);
        if (!argv.quiet)
          io.err(`${plan.name}: wrote ${written[written.length - 1]} and ${written.length - 1} charts\n`);
      }
    }
    if (format === 'json') io.out(JSON.stringify(printed, null, 2) + '\n');
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    io.err(
      `iovsim: interrupted: ${e.rowsWritten} of ${e.rowsTotal} rows are in the CSV; run again with --resume to finish\n`,
    );
    ctx.exit(130);
  } finally {
    process.off('SIGINT', onSignal);
    await runner.close();
  }
}
