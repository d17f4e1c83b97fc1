import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import yargs from 'yargs';
import { InputError, InputErrors } from '../errors.js';
import { runExperiment } from '../experiment/run-experiment.js';
import { checkNicLimits } from '../model/network.js';
import { BUILTIN_PATHS } from '../model/paths.js';
import { resultRow, type Row } from '../output/columns.js';
import { toTable } from '../output/table.js';
import { toCsv, writeAtomic } from '../output/write.js';
import { loadScenarioFile } from '../scenario/load.js';
import { resolveScenario, type Experiment, type Overrides } from '../scenario/resolve.js';
import { describePaths } from './describe-paths.js';
import { verify, type VerifyResult } from '../experiment/verify.js';
import { verifyRow, verifyTable } from '../output/verify-table.js';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The validation scenarios shipped with iovsim. */
function defaultValidationFiles(): string[] {
  const dir = fileURLToPath(new URL('../../scenarios/validation/', import.meta.url));
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/i.test(f))
    .sort()
    .map((f) => join(dir, f));
}

const EXIT_OK = 0;
const EXIT_INTERNAL = 1;
const EXIT_BAD_INPUT = 2;

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

/** Loads and resolves every file before anything runs, so bad input leaves no file touched. */
function loadAll(files: string[], overrides: Overrides): { file: string; exp: Experiment }[] {
  return files.map((file) => {
    try {
      const exp = resolveScenario(loadScenarioFile(file), overrides);
      for (const p of exp.paths) checkNicLimits(exp.config, p);
      return { file, exp };
    } catch (e) {
      if (e instanceof InputError) e.file ??= file;
      if (e instanceof InputErrors) for (const x of e.errors) x.file ??= file;
      throw e;
    }
  });
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
      'run scenario files; print a side-by-side table and write one CSV per file',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, describe: 'scenario files (.yaml, .yml or .json)', demandOption: true })
          .option('out', { type: 'string', default: 'results', describe: 'directory for the CSV files (<out>/<scenario file name>.csv)' })
          .option('seed', { type: 'number', describe: 'random seed, instead of the scenario\'s' })
          .option('modes', { type: 'string', array: true, describe: 'paths to run, instead of the scenario\'s (e.g. --modes sriov,vmdq)' })
          .option('duration', { type: 'string', describe: 'simulated duration, instead of the scenario\'s (e.g. "50 ms")' })
          .option('format', { choices: ['table', 'csv', 'json'] as const, default: 'table' as const, describe: 'what to print on stdout' })
          .option('quiet', { type: 'boolean', default: false, describe: 'no progress messages on stderr' }),
      (argv) => {
        if (argv.seed !== undefined && !(Number.isInteger(argv.seed) && argv.seed >= 0)) {
          throw new InputError('--seed', 'a whole number >= 0', String(argv.seed));
        }
        const overrides: Overrides = { seed: argv.seed, paths: splitList(argv.modes), duration: argv.duration };
        const loaded = loadAll(argv.files as string[], overrides);
        const printed: Row[] = [];
        for (const { file, exp } of loaded) {
          const started = Date.now();
          const results = runExperiment(exp, {
            onPath: (name, i, n) => {
              if (!argv.quiet && io.isTty) io.err(`${exp.name}: running ${name} (${i + 1}/${n})\n`);
            },
            onWarning: (message) => io.err(`iovsim: warning: ${message}\n`),
          });
          const rows = results.map((r) => resultRow(exp.name, r));
          const csvFile = join(argv.out, `${basename(file).replace(/\.(ya?ml|json)$/i, '')}.csv`);
          writeAtomic(csvFile, toCsv(rows));
          if (argv.format === 'table') io.out(toTable(`${exp.name}: ${exp.description}`.replace(/: $/, ''), rows) + '\n');
          else if (argv.format === 'csv') io.out(toCsv(rows));
          printed.push(...rows);
          if (!argv.quiet) io.err(`${exp.name}: wrote ${csvFile} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
        }
        if (argv.format === 'json') io.out(JSON.stringify(printed, null, 2) + '\n');
      },
    )
    .command(
      'validate <files..>',
      'check scenario files without running them',
      (y) => y.positional('files', { type: 'string', array: true, demandOption: true, describe: 'scenario files' }),
      (argv) => {
        for (const { file, exp } of loadAll(argv.files as string[], {})) {
          io.out(`${file}: ok (${exp.config.vms} VMs, paths: ${exp.paths.map((p) => p.name).join(', ')})\n`);
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
        const files = argv.files?.length ? argv.files : defaultValidationFiles();
        const loaded = loadAll(files, {});
        for (const { file, exp } of loaded) if (!exp.validation) throw new InputError('validation', 'a validation: block', 'nothing', file);
        const rows: Row[] = [];
        for (const { file, exp } of loaded) {
          if (!argv.quiet && io.isTty) io.err(`verify: ${exp.name} (${exp.validation!.replications} replications)\n`);
          let r: VerifyResult;
          try {
            r = verify(exp);
          } catch (e) {
            if (e instanceof InputError) e.file ??= file;
            throw e;
          }
          rows.push(verifyRow(r));
        }
        writeAtomic(join(argv.out, 'validation.csv'), toCsv(rows));
        io.out(verifyTable(rows));
        const failed = rows.filter((r) => r.result !== 'pass').length;
        io.out(`${rows.length - failed} passed, ${failed} failed\n`);
        if (failed > 0) code = EXIT_INTERNAL;
      },
    )
    .command(
      'paths',
      'list each built-in path\'s hops and costs, and the cost table',
      (y) => y,
      () => io.out(describePaths(BUILTIN_PATHS)),
    )
    .demandCommand(1, 'Give a command: run, validate, verify or paths (see --help).')
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
    .epilog('Exit codes: 0 ok, 1 internal error or a failed verification, 2 bad input. Docs: docs/scenarios.md, docs/model.md, docs/validation.md.');

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
