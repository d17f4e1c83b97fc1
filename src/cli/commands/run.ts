import { basename, join, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import type { Argv } from 'yargs';
import type { TaskRunner } from '../../experiment/pool.js';
import type { ProgressSink } from '../../experiment/runner.js';
import type { ResultSet } from '../../output/provenance.js';
import type { Plan } from '../../scenario/plan.js';
import type { Shard } from '../../scenario/provenance.js';
import type { Overrides } from '../../scenario/resolve.js';
import {
  blame,
  checkOutDir,
  jobsOf,
  jobsOption,
  maxEventsOption,
  once,
  requiredList,
  STDIN,
  withFile,
  wroteFiles,
  type CommandContext,
} from '../context.js';
import { exitCodeOf, takeSignals } from '../signals.js';

export const command = 'run <files..>';
const FORMATS = ['table', 'csv', 'json'] as const;
export const describe =
  'run scenario files (single runs, sweeps, replications or searches); print a table and write one CSV per file';

export function builder(y: Argv) {
  return y
    .positional('files', {
      ...requiredList,
      describe: 'scenario files (.yaml, .yml or .json); - reads one scenario from standard input',
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
    .option('max-events', maxEventsOption)
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
      describe:
        'keep the rows already in the CSV that its .meta.json vouches for (same scenario content, seed, options and iovsim version) and compute only the rest',
    })
    .option('resume-any', {
      type: 'boolean',
      default: false,
      describe:
        'like --resume, but keep the rows that parse even when the .meta.json is missing or from another run (marked unverified in the new one)',
    })
    .option('shard', {
      type: 'string',
      requiresArg: true,
      describe:
        'run shard i of n (cells k with k mod n = i) into <out>/<name>.shard-<i>-of-<n>.csv, for `iovsim merge`; default: from SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX when set; none: the whole study',
    })
    .option('shard-count', {
      type: 'number',
      requiresArg: true,
      describe: "the number of shards n, instead of the scheduler's (or IOVSIM_SHARD_COUNT)",
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
  const { Format, Presets, SingleBar } = await import('cli-progress');
  const line = `${name} [{bar}] {value}/{total} rows | {percentage}% | ETA {eta_formatted}`;
  let kept = 0;
  const bar = new SingleBar(
    {
      // Before the first row, and while the rate is unknown, cli-progress's ETA is 0, 'INF' or
      // 'NULL' (printed "0s", "NFs"): the time left is shown only once a row computed here has
      // measured it (rows kept by --resume took no time).
      format: (options, params, payload: unknown) =>
        Format.Formatter(
          {
            ...options,
            format: line,
            formatTime: (t, o, round) =>
              params.value > kept && typeof t === 'number' && Number.isFinite(t)
                ? Format.TimeFormat(t, o, round)
                : '--',
          },
          params,
          payload,
        ),
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  return {
    start: (total, done) => {
      kept = done;
      bar.start(total, done);
    },
    advance: (by) => bar.increment(by),
    stop: () => bar.stop(),
  };
}

/** A scenario file's name without its extension: the name of its CSV. */
const stem = (file: string): string =>
  file === '-' || file === STDIN ? 'stdin' : basename(file).replace(/\.(ya?ml|json)$/i, '');

/**
 * The CSV a scenario file's rows go to: <out>/<name>.csv, or a shard's
 * <out>/<name>.shard-<i>-of-<n>.csv (the names `iovsim merge` reads).
 */
export const csvFileFor = (out: string, file: string, shard?: Shard): string =>
  join(out, shard ? `${stem(file)}.shard-${shard.index}-of-${shard.count}.csv` : `${stem(file)}.csv`);

/** A scenario file, or standard input for `-`, read, checked and planned. */
async function planned(file: string, overrides: Overrides, ctx: CommandContext): Promise<Plan> {
  const { planFile, planScenario } = await import('../../scenario/plan.js');
  const { parseText } = await import('../../scenario/load.js');
  if (file !== '-' && file !== STDIN) return withFile(file, () => planFile(file, overrides));
  if (!ctx.io.stdin) throw new InputError('', 'a scenario on standard input', 'no standard input', STDIN);
  const text = await ctx.io.stdin();
  return withFile(STDIN, () => {
    const raw = parseText(STDIN, text);
    // Unnamed, a scenario from stdin is "stdin" (a file's would be its file name).
    const named = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { name: 'stdin', ...raw } : raw;
    return planScenario(named, STDIN, overrides);
  });
}

export async function handler(argv: Args, ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  // Signals are this command's from the start: one during planning stops it before it runs.
  let signal: NodeJS.Signals | undefined;
  let runner: TaskRunner | undefined;
  const release = takeSignals((s) => {
    if (signal !== undefined) {
      io.err(`\niovsim: ${s} again: stopping at once\n`);
      process.exit(exitCodeOf(s));
    }
    signal = s;
    io.err(`\niovsim: interrupted (${s}): stopping the rows in flight\n`);
    runner?.abort();
  });
  try {
    await runFiles(argv, ctx, {
      stopped: () => signal,
      started: (r) => {
        runner = r;
        if (signal !== undefined) r.abort();
      },
    });
  } finally {
    release();
  }
}

/** The run itself, from the command line's options; `stopped` says which signal arrived, if one did. */
async function runFiles(
  argv: Args,
  ctx: CommandContext,
  sig: { stopped: () => NodeJS.Signals | undefined; started: (r: TaskRunner) => void },
): Promise<void> {
  const { parseOverrides } = await import('../../scenario/overrides.js');
  const { shardOf } = await import('../../scenario/shard.js');
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
  if (!write && (argv.resume || argv.resumeAny))
    throw new InputError('--resume', 'CSV files to resume (not with --no-write or --out -)', '--resume');
  if (!write && argv.report)
    throw new InputError('--report', 'CSV files to draw (not with --no-write or --out -)', '--report');
  const shard = shardOf(
    argv.shard === undefined ? undefined : once('shard', argv.shard),
    argv.shardCount === undefined ? undefined : once('shard-count', argv.shardCount),
    process.env,
  );
  if (write) checkOutDir(out);
  const files = argv.files as string[];
  const dashes = files.filter((f) => f === '-' || f === STDIN).length;
  if (dashes > 1) throw new InputError('files', 'standard input (-) named once', `- ${dashes} times`);
  const writers = new Map<string, string>();
  for (const file of files) {
    const csv = resolve(csvFileFor(out, file, shard));
    const other = writers.get(csv);
    if (write && other !== undefined && resolve(other) !== resolve(file)) {
      throw new InputError(
        '',
        'scenario files with different names (each writes <out>/<name>.csv)',
        `${other} and ${file} both writing ${csvFileFor(out, file, shard)}`,
        file,
      );
    }
    writers.set(csv, file);
  }
  // Worker threads even for --jobs 1: a signal then stops a run in flight at once. The first
  // starts now and loads the model while the scenarios are planned; the others when rows wait.
  const { WorkerPool } = await import('../../experiment/pool.js');
  const runner = new WorkerPool(jobs, 1, { onStall: (m) => ctx.io.err(`iovsim: warning: ${m}\n`) });
  sig.started(runner);
  try {
    await planAndRun(argv, ctx, sig, { overrides, jobs, format, out, write, shard, files, runner });
  } finally {
    await runner.close();
  }
}

/** Plans every file, checks earlier results (--resume), runs the rows on `runner`, and writes and prints them. */
async function planAndRun(
  argv: Args,
  ctx: CommandContext,
  sig: { stopped: () => NodeJS.Signals | undefined },
  o: {
    overrides: Overrides;
    jobs: number;
    format: string;
    out: string;
    write: boolean;
    shard: ReturnType<typeof import('../../scenario/shard.js').shardOf>;
    files: string[];
    runner: TaskRunner;
  },
): Promise<void> {
  const { overrides, jobs, format, out, write, shard, files, runner } = o;
  const { io } = ctx;
  const { metaFileFor, metaHeader } = await import('../../scenario/provenance.js');
  const plans: Plan[] = [];
  for (const file of files) plans.push(await planned(file, overrides, ctx));
  // Every check on earlier results too, before anything runs.
  const resume = argv.resume || argv.resumeAny;
  const { iovsimVersion, provenanceOf, resultsJson } = await import('../../output/provenance.js');
  const version = iovsimVersion();
  const rowsToResume = resume ? (await import('../../scenario/readback.js')).rowsToResume : undefined;
  const runs = plans.map((plan) => {
    const csvFile = csvFileFor(out, plan.file, shard);
    const metaFile = metaFileFor(csvFile);
    const header = metaHeader(plan, { version, node: process.version, overrides, shard });
    const kept = rowsToResume?.({ plan, csvFile, metaFile, expected: header, any: argv.resumeAny });
    return { plan, csvFile, metaFile, header, kept };
  });
  if (shard && !argv.quiet)
    io.err(
      `iovsim: shard ${shard.index} of ${shard.count} (from ${shard.from}): the cells k with k mod ${shard.count} = ${shard.index}\n`,
    );
  if (shard && argv.report && !argv.quiet)
    io.err('iovsim: --report is for whole studies: `iovsim merge --report` draws the merged one\n');
  const { Interrupted, runPlan } = await import('../../experiment/runner.js');
  const { toCsv } = await import('../../output/csv.js');
  const { tableFor } = await import('../tables.js');
  const printed: ResultSet[] = [];
  let current = '';
  try {
    for (const { plan, csvFile, metaFile, header, kept } of runs) {
      current = csvFile;
      const started = Date.now();
      const warn = (message: string) => io.err(`iovsim: warning: ${message}\n`);
      if (!argv.quiet)
        for (const note of plan.points[0]?.exp.notes ?? []) io.err(`iovsim: note: ${plan.file}: ${note}\n`);
      if (kept?.unreadable) warn(`${csvFile}: not readable as CSV; recomputing every row`);
      if (kept?.dropped.length)
        warn(
          `${csvFile}: keeping ${kept.kept.size} rows, computing the others again: ${kept.dropped.slice(0, 3).join('; ')}${kept.dropped.length > 3 ? `; and ${kept.dropped.length - 3} more` : ''}`,
        );
      if (kept?.unverifiedBecause && kept.kept.size > 0)
        warn(
          `${csvFile}: --resume-any keeps ${kept.kept.size} rows without provenance (${kept.unverifiedBecause}); ${basename(metaFile)} marks them unverified`,
        );
      if (!argv.quiet && !io.isTty) {
        const mine = shard ? plan.cells.filter((c) => c.index % shard.count === shard.index) : plan.cells;
        const todo = mine.length - (kept?.kept.size ?? 0);
        // Workers start as runs wait for them (a row's replications are runs of their own).
        io.err(
          `${plan.name}: ${todo} of ${mine.length} rows to compute, on up to ${jobs} worker thread${jobs === 1 ? '' : 's'}\n`,
        );
      }
      const rows = await runPlan(plan, {
        runner,
        concurrency: jobs,
        output: write ? { csvFile, metaFile, header } : undefined,
        keep: kept?.kept,
        shard,
        onWarning: warn,
        progress: !argv.quiet && io.isTty ? await progressBar(plan.name) : undefined,
        aborted: () => sig.stopped() !== undefined,
      }).catch(blame(plan.file));
      if (format === 'table') io.out(tableFor(plan, rows) + '\n');
      printed.push({ provenance: provenanceOf(plan.file, plan.name, plan.hash, plan.points[0].exp.config.seed), rows });
      if (write) {
        if (!argv.quiet) {
          const { longFilesBeside } = await import('../../output/tidy.js');
          const files = [csvFile, metaFile, ...(shard ? [] : longFilesBeside(csvFile))];
          io.err(`${plan.name}: ${wroteFiles(files)} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
        }
      }
      if (argv.report && !shard) {
        const { reportForRun, wroteReport } = await import('./report.js');
        const { questionOf } = await import('../../report/question.js');
        const provenance = printed[printed.length - 1].provenance;
        const written = await reportForRun(csvFile, { question: questionOf(plan), provenance });
        if (!argv.quiet) io.err(`${plan.name}: ${wroteReport(written)}\n`);
      }
    }
    // One CSV on stdout for all files: one header, the union of their columns.
    if (format === 'csv') io.out(toCsv(printed.flatMap((p) => p.rows)));
    if (format === 'json') io.out(resultsJson(printed));
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    io.err(
      !write
        ? `iovsim: interrupted after ${e.rowsWritten} of ${e.rowsTotal} rows; nothing was written (--no-write)\n`
        : e.rowsWritten > 0
          ? `iovsim: interrupted: ${e.rowsWritten} of ${e.rowsTotal} rows are in ${current}; run again with --resume to finish\n`
          : `iovsim: interrupted: none of ${e.rowsTotal} rows written (rows go in order, and the first was not done); ${current} is as it was\n`,
    );
    ctx.exit(exitCodeOf(sig.stopped() ?? 'SIGINT'));
  }
}
