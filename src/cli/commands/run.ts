import { basename, join, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import type { Argv } from 'yargs';
import type { ProgressSink } from '../../experiment/runner.js';
import type { ResultSet } from '../../output/provenance.js';
import type { Plan } from '../../scenario/plan.js';
import type { Overrides } from '../../scenario/resolve.js';
import { blame, checkOutDir, jobsOf, jobsOption, once, STDIN, withFile, type CommandContext } from '../context.js';

export const command = 'run <files..>';
const FORMATS = ['table', 'csv', 'json'] as const;
export const describe =
  'run scenario files (single runs, sweeps, replications or searches); print a table and write one CSV per file';

export function builder(y: Argv) {
  return y
    .positional('files', {
      type: 'string',
      array: true,
      describe: 'scenario files (.yaml, .yml or .json); - reads one scenario from standard input',
      demandOption: true,
    })
    .option('out', {
      type: 'string',
      default: 'results',
      describe:
        'directory for the CSV files (<out>/<scenario file name>.csv), relative to the current folder; - writes no file',
    })
    .option('write', {
      type: 'boolean',
      default: true,
      describe: 'write the CSV files (--no-write: print only, for pipelines; the same as --out -)',
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
    .option('format', {
      choices: FORMATS,
      default: 'table' as const,
      describe: 'what to print on stdout (csv: one header for all files; json: rows with their provenance)',
    })
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

/** The CSV a scenario file's rows go to: <out>/<file name without extension>.csv (stdin.csv for -). */
export const csvFileFor = (out: string, file: string): string =>
  join(out, `${file === '-' || file === STDIN ? 'stdin' : basename(file).replace(/\.(ya?ml|json)$/i, '')}.csv`);

/** Where a long-form table of `csvFile` goes: `<name>.<suffix>.csv` beside it. */
export const longFileFor = (csvFile: string, suffix: string): string => csvFile.replace(/\.csv$/i, `.${suffix}.csv`);

/** A scenario file, or standard input for `-`, read, checked and planned, with the text it was read from. */
async function planned(file: string, overrides: Overrides, ctx: CommandContext): Promise<{ plan: Plan; text: string }> {
  const { planScenario } = await import('../../scenario/plan.js');
  const { parseText, readScenarioText } = await import('../../scenario/load.js');
  if (file !== '-' && file !== STDIN) {
    const text = withFile(file, () => readScenarioText(file));
    return { plan: withFile(file, () => planScenario(parseText(file, text), file, overrides)), text };
  }
  if (!ctx.io.stdin) throw new InputError('', 'a scenario on standard input', 'no standard input', STDIN);
  const text = await ctx.io.stdin();
  return withFile(STDIN, () => {
    const raw = parseText(STDIN, text);
    // Unnamed, a scenario from stdin is "stdin" (a file's would be its file name).
    const named = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { name: 'stdin', ...raw } : raw;
    return { plan: planScenario(named, STDIN, overrides), text };
  });
}

export async function handler(argv: Args, ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  const { parseOverrides } = await import('../../scenario/overrides.js');
  const overrides = parseOverrides({
    seed: argv.seed,
    modes: argv.modes,
    duration: argv.duration,
    maxEvents: argv['max-events'],
  });
  const jobs = jobsOf(argv.jobs);
  const format = once('format', argv.format, FORMATS);
  const out = once('out', argv.out);
  const write = argv.write && out !== '-' && out !== STDIN;
  if (!write && argv.resume)
    throw new InputError('--resume', 'CSV files to resume (not with --no-write or --out -)', '--resume');
  if (!write && argv.report)
    throw new InputError('--report', 'CSV files to draw (not with --no-write or --out -)', '--report');
  if (write) checkOutDir(out);
  const files = argv.files as string[];
  const dashes = files.filter((f) => f === '-' || f === STDIN).length;
  if (dashes > 1) throw new InputError('files', 'standard input (-) named once', `- ${dashes} times`);
  const writers = new Map<string, string>();
  for (const file of files) {
    const csv = resolve(csvFileFor(out, file));
    const other = writers.get(csv);
    if (write && other !== undefined && resolve(other) !== resolve(file)) {
      throw new InputError(
        '',
        'scenario files with different names (each writes <out>/<name>.csv)',
        `${other} and ${file} both writing ${csvFileFor(out, file)}`,
        file,
      );
    }
    writers.set(csv, file);
  }
  const inputs: { plan: Plan; text: string }[] = [];
  for (const file of files) inputs.push(await planned(file, overrides, ctx));
  const { taskRunner } = await import('../../experiment/pool.js');
  const { Interrupted, runPlan } = await import('../../experiment/runner.js');
  const { toCsv } = await import('../../output/csv.js');
  const { provenanceOf, resultsJson } = await import('../../output/provenance.js');
  const { longTables } = await import('../../output/tidy.js');
  const { writeAtomic } = await import('../../output/write.js');
  const { tableFor } = await import('../tables.js');
  const runner = taskRunner(jobs);
  let aborted = false;
  const onSignal = () => {
    aborted = true;
    io.err('\niovsim: interrupted: finishing the rows in flight, then stopping\n');
  };
  process.on('SIGINT', onSignal);
  const printed: ResultSet[] = [];
  try {
    for (const { plan, text } of inputs) {
      const started = Date.now();
      if (!argv.quiet)
        for (const note of plan.points[0]?.exp.notes ?? []) io.err(`iovsim: note: ${plan.file}: ${note}\n`);
      const csvFile = csvFileFor(out, plan.file);
      const rows = await runPlan(plan, {
        runner,
        concurrency: jobs,
        csvFile: write ? csvFile : undefined,
        resume: argv.resume,
        onWarning: (message) => io.err(`iovsim: warning: ${message}\n`),
        progress: !argv.quiet && io.isTty ? await progressBar(plan.name) : undefined,
        aborted: () => aborted,
      }).catch(blame(plan.file));
      if (format === 'table') io.out(tableFor(plan, rows) + '\n');
      printed.push({ provenance: provenanceOf(plan.file, plan.name, text, plan.points[0].exp.config.seed), rows });
      if (write) {
        const keys = [...plan.sweepKeys, ...(plan.points[0].exp.search?.kind === 'zero-loss' ? ['frame_bytes'] : [])];
        for (const t of longTables(rows, keys))
          if (t.rows.length > 0) writeAtomic(longFileFor(csvFile, t.suffix), toCsv(t.rows));
        if (!argv.quiet) io.err(`${plan.name}: wrote ${csvFile} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      }
      if (argv.report) {
        const { reportForRun } = await import('./report.js');
        const { questionOf } = await import('../../report/question.js');
        const provenance = printed[printed.length - 1].provenance;
        const written = await reportForRun(csvFile, { question: questionOf(plan), provenance });
        if (!argv.quiet)
          io.err(`${plan.name}: wrote ${written[written.length - 1]} and ${written.length - 1} charts\n`);
      }
    }
    // One CSV on stdout for all files: one header, the union of their columns.
    if (format === 'csv') io.out(toCsv(printed.flatMap((p) => p.rows)));
    if (format === 'json') io.out(resultsJson(printed));
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    io.err(
      write
        ? `iovsim: interrupted: ${e.rowsWritten} of ${e.rowsTotal} rows are in the CSV; run again with --resume to finish\n`
        : `iovsim: interrupted after ${e.rowsWritten} of ${e.rowsTotal} rows; nothing was written (--no-write)\n`,
    );
    ctx.exit(130);
  } finally {
    process.off('SIGINT', onSignal);
    await runner.close();
  }
}
