import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Presets, SingleBar } from 'cli-progress';
import yargs from 'yargs';
import { InputError, InputErrors } from '../errors.js';
import { compareFiles } from '../experiment/compare.js';
import { planFile, type Plan } from '../experiment/plan.js';
import { taskRunner } from '../experiment/pool.js';
import { Interrupted, runPlan, type ProgressSink } from '../experiment/runner.js';
import { verify } from '../experiment/verify.js';
import { BUILTIN_PATHS } from '../model/paths.js';
import type { Row } from '../output/columns.js';
import { comparisonTable } from '../output/comparison-table.js';
import { toLongTable, toTable } from '../output/table.js';
import { verifyRow, verifyTable } from '../output/verify-table.js';
import { toCsv, writeAtomic } from '../output/write.js';
import type { Overrides } from '../scenario/resolve.js';
import { describePaths } from './describe-paths.js';
import { reportCommand, reportForRun } from './report-command.js';

const EXIT_OK = 0;
const EXIT_INTERNAL = 1;
const EXIT_BAD_INPUT = 2;
const EXIT_INTERRUPTED = 130;

/** Where a CLI run writes: injectable so tests can capture output without a child process. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  isTty: boolean;
}

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTty: Boolean(process.stderr.isTTY),
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The validation scenarios shipped with iovsim. */
function defaultValidationFiles(): string[] {
  const dir = fileURLToPath(new URL('../../scenarios/validation/', import.meta.url));
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/i.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** A rethrower that names `file` in input errors that do not name one yet. */
const blame =
  (file: string) =>
  (e: unknown): never => {
    if (e instanceof InputError) e.file ??= file;
    if (e instanceof InputErrors) for (const x of e.errors) x.file ??= file;
    throw e;
  };

/** Runs `f`, naming `file` in any input error it throws. */
function withFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    return blame(file)(e);
  }
}

/** Refuses an --out that exists and is not a directory, before anything runs. */
function checkOutDir(out: string): void {
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new InputError('--out', 'a directory for the results (created if it does not exist)', `the file ${out}`);
  }
}

/** A progress bar on stderr: rows done of total, and the time left. */
function progressBar(name: string): ProgressSink {
  const bar = new SingleBar(
    { format: `${name} [{bar}] {value}/{total} rows | {percentage}% | ETA {eta_formatted}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    Presets.shades_classic,
  );
  return {
    start: (total) => bar.start(total, 0),
    advance: (by) => bar.increment(by),
    stop: () => bar.stop(),
  };
}

/** The terminal table: paths side by side for a single point, one line per row otherwise. */
function tableFor(plan: Plan, rows: Row[]): string {
  const title = `${plan.name}: ${plan.description}`.replace(/: $/, '');
  if (plan.points.length === 1 && !plan.points[0].exp.search) return toTable(title, rows);
  return toLongTable(title, rows);
}

const splitList = (v: string[] | undefined): string[] | undefined =>
  v?.flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean);

/** Runs the CLI with `args` and returns the exit code: 0 ok, 2 bad input, 1 internal error. */
export async function main(args: string[], io: Io = processIo): Promise<number> {
  let code = EXIT_OK;
  const parser = yargs(args)
    .scriptName('iovsim')
    .usage('$0 <command> [options]\n\nSimulates what network I/O virtualization costs: native, emulated, paravirtual, VMDq and SR-IOV paths.')
    .command(
      'run <files..>',
      'run scenario files (single runs, sweeps, replications or searches); print a table and write one CSV per file',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, describe: 'scenario files (.yaml, .yml or .json)', demandOption: true })
          .option('out', { type: 'string', default: 'results', describe: 'directory for the CSV files (<out>/<scenario file name>.csv)' })
          .option('seed', { type: 'number', describe: 'random seed, instead of the scenario\'s' })
          .option('modes', { type: 'string', array: true, describe: 'paths to run, instead of the scenario\'s (e.g. --modes sriov,vmdq)' })
          .option('duration', { type: 'string', describe: 'simulated duration, instead of the scenario\'s (e.g. "50 ms")' })
          .option('format', { choices: ['table', 'csv', 'json'] as const, default: 'table' as const, describe: 'what to print on stdout' })
          .option('jobs', { type: 'number', describe: `worker threads for sweep points and replications (default: one per core, here ${availableParallelism()})` })
          .option('resume', { type: 'boolean', default: false, describe: 'keep the rows already in the CSV (from an interrupted run) and compute only the rest' })
          .option('report', { type: 'boolean', default: false, describe: 'also write charts (.svg) and an HTML report beside each CSV' })
          .option('quiet', { type: 'boolean', default: false, describe: 'no progress bar or messages on stderr' }),
      async (argv) => {
        if (argv.seed !== undefined && !(Number.isInteger(argv.seed) && argv.seed >= 0)) {
          throw new InputError('--seed', 'a whole number >= 0', String(argv.seed));
        }
        const jobs = argv.jobs ?? availableParallelism();
        if (!(Number.isInteger(jobs) && jobs >= 1 && jobs <= 256)) throw new InputError('--jobs', 'a whole number from 1 to 256', String(argv.jobs));
        checkOutDir(argv.out);
        const overrides: Overrides = { seed: argv.seed, paths: splitList(argv.modes), duration: argv.duration };
        const plans = (argv.files as string[]).map((file) => withFile(file, () => planFile(file, overrides)));
        const runner = taskRunner(jobs);
        let aborted = false;
        const onSignal = () => {
          aborted = true;
          io.err('\niovsim: interrupted: finishing the rows in flight, then stopping\n');
        };
        process.on('SIGINT', onSignal);
        const printed: Row[] = [];
        try {
          for (const plan of plans) {
            const started = Date.now();
            const csvFile = join(argv.out, `${basename(plan.file).replace(/\.(ya?ml|json)$/i, '')}.csv`);
            const rows = await runPlan(plan, {
                runner,
                concurrency: jobs,
                csvFile,
                resume: argv.resume,
                onWarning: (message) => io.err(`iovsim: warning: ${message}\n`),
                progress: !argv.quiet && io.isTty ? progressBar(plan.name) : undefined,
                aborted: () => aborted,
              }).catch(blame(plan.file));
            if (argv.format === 'table') io.out(tableFor(plan, rows) + '\n');
            else if (argv.format === 'csv') io.out(toCsv(rows));
            printed.push(...rows);
            if (!argv.quiet) io.err(`${plan.name}: wrote ${csvFile} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
            if (argv.report) {
              const written = await reportForRun(csvFile);
              if (!argv.quiet) io.err(`${plan.name}: wrote ${written[written.length - 1]} and ${written.length - 1} charts\n`);
            }
          }
          if (argv.format === 'json') io.out(JSON.stringify(printed, null, 2) + '\n');
        } catch (e) {
          if (!(e instanceof Interrupted)) throw e;
          io.err(`iovsim: interrupted: ${e.rowsWritten} of ${e.rowsTotal} rows are in the CSV; run again with --resume to finish\n`);
          code = EXIT_INTERRUPTED;
        } finally {
          process.off('SIGINT', onSignal);
          await runner.close();
        }
      },
    )
    .command(
      'validate <files..>',
      'check scenario files without running them',
      (y) => y.positional('files', { type: 'string', array: true, demandOption: true, describe: 'scenario files' }),
      (argv) => {
        for (const file of argv.files as string[]) {
          const plan = withFile(file, () => planFile(file));
          const exp = plan.points[0].exp;
          const points = plan.points.length > 1 ? `, ${plan.points.length} sweep points` : '';
          io.out(`${file}: ok (${exp.config.vms} VMs, paths: ${exp.paths.map((p) => p.name).join(', ')}${points})\n`);
        }
      },
    )
    .command(
      'verify [files..]',
      'check the simulator against queueing theory: run each validation scenario\'s replications and compare with the closed form',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, describe: 'validation scenarios (default: the scenarios/validation/ shipped with iovsim)' })
          .option('out', { type: 'string', default: 'results', describe: 'directory for validation.csv' })
          .option('quiet', { type: 'boolean', default: false, describe: 'no progress messages on stderr' }),
      (argv) => {
        checkOutDir(argv.out);
        const files = argv.files?.length ? argv.files : defaultValidationFiles();
        const loaded = files.map((file) => ({ file, exp: withFile(file, () => planFile(file).points[0].exp) }));
        for (const { file, exp } of loaded) if (!exp.validation) throw new InputError('validation', 'a validation: block', 'nothing', file);
        const rows: Row[] = [];
        for (const { file, exp } of loaded) {
          if (!argv.quiet && io.isTty) io.err(`verify: ${exp.name} (${exp.validation!.replications} replications)\n`);
          rows.push(verifyRow(withFile(file, () => verify(exp))));
        }
        writeAtomic(join(argv.out, 'validation.csv'), toCsv(rows));
        io.out(verifyTable(rows));
        const failed = rows.filter((r) => r.result !== 'pass').length;
        io.out(`${rows.length - failed} passed, ${failed} failed\n`);
        if (failed > 0) code = EXIT_INTERNAL;
      },
    )
    .command(
      'compare <files..>',
      'run scenarios that carry a reference: block and compare each published figure and claim with the simulation',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'scenario files with a reference: block' })
          .option('out', { type: 'string', default: 'results', describe: 'directory for published.csv' })
          .option('duration', { type: 'string', describe: 'simulated duration, instead of each scenario\'s' })
          .option('jobs', { type: 'number', describe: `worker threads (default: one per core, here ${availableParallelism()})` }),
      async (argv) => {
        const jobs = argv.jobs ?? availableParallelism();
        if (!(Number.isInteger(jobs) && jobs >= 1 && jobs <= 256)) throw new InputError('--jobs', 'a whole number from 1 to 256', String(argv.jobs));
        const files = argv.files as string[];
        checkOutDir(argv.out);
        for (const file of files) withFile(file, () => planFile(file, { duration: argv.duration }));
        const runner = taskRunner(jobs);
        try {
          const rows = await compareFiles(files, { runner, concurrency: jobs, overrides: { duration: argv.duration } });
          writeAtomic(join(argv.out, 'published.csv'), toCsv(rows));
          io.out(comparisonTable(rows));
          const failed = rows.filter((r) => r.result === 'fail').length;
          const passed = rows.filter((r) => r.result === 'pass').length;
          io.out(`${passed} passed, ${failed} failed\n`);
          if (failed > 0) code = EXIT_INTERNAL;
        } finally {
          await runner.close();
        }
      },
    )
    .command(
      'report <files..>',
      'draw result CSVs as charts (.svg beside each CSV) and one self-contained HTML page',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'result CSV files (runs, sweeps, searches, results/published.csv)' })
          .option('out', { alias: 'o', type: 'string', default: 'report.html', describe: 'the HTML file to write' }),
      async (argv) => {
        const written = await reportCommand(argv.files as string[], argv.out);
        io.out(`wrote ${written[written.length - 1]} and ${written.length - 1} charts\n`);
      },
    )
    .command(
      'paths',
      'list each built-in path\'s hops and costs, and the cost table',
      (y) => y,
      () => io.out(describePaths(BUILTIN_PATHS)),
    )
    .demandCommand(1, 'Give a command: run, validate, verify, compare, report or paths (see --help).')
    .strict()
    .version(version())
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new InputError('command line', 'valid arguments (see iovsim --help)', msg ?? 'invalid arguments');
    })
    .epilog('Exit codes: 0 ok, 1 internal error or a failed verification, 2 bad input, 130 interrupted. Docs: docs/scenarios.md, docs/model.md, docs/validation.md.');

  try {
    const output: string[] = [];
    await parser.parseAsync(args, {}, (_err, _argv, text) => {
      if (text) output.push(text);
    });
    if (output.length) io.out(output.join('\n') + '\n');
  } catch (e) {
    if (e instanceof InputError || e instanceof InputErrors) {
      const lines = e instanceof InputError ? [e.describe()] : e.errors.map((x) => x.describe());
      io.err(lines.map((l) => `iovsim: ${l}\n`).join(''));
      code = EXIT_BAD_INPUT;
    } else {
      io.err(`iovsim: internal error: ${(e as Error).message}\n`);
      if (process.env.IOVSIM_DEBUG) io.err(`${(e as Error).stack}\n`);
      code = EXIT_INTERNAL;
    }
  }
  return code;
}
