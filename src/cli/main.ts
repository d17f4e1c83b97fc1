import type { Argv } from 'yargs';
import { EnvironmentError, EXIT, InputError, InputErrors } from '../errors.js';
import * as compare from './commands/compare.js';
import * as estimate from './commands/estimate.js';
import * as examples from './commands/examples.js';
import * as merge from './commands/merge.js';
import * as paths from './commands/paths.js';
import * as report from './commands/report.js';
import * as run from './commands/run.js';
import * as schema from './commands/schema.js';
import * as studio from './commands/studio.js';
import * as validate from './commands/validate.js';
import * as verify from './commands/verify.js';
import { iovsimVersion } from '../output/provenance.js';
import { processIo, STDIN, type CommandContext, type Io } from './context.js';

export type { Io } from './context.js';

/** A command: its usage, help, options, and a handler that loads what it needs when it runs. */
interface Command {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv<unknown>;
  handler: (argv: never, ctx: CommandContext) => Promise<void>;
}

const COMMANDS: Command[] = [
  run,
  merge,
  estimate,
  validate,
  verify,
  compare,
  report,
  examples,
  paths,
  schema,
  studio,
] as unknown as Command[];

const exitCodes = Object.values(EXIT)
  .map((e) => `${e.code} ${e.help}`)
  .join('; ');

/**
 * yargs' "Unknown arguments: bogus-flag, bogusFlag" as "--bogus-flag": yargs lists each
 * dashed option twice, once camel-cased. Undefined for other messages.
 */
function unknownOptions(msg: string, args: string[]): string | undefined {
  const m = /^Unknown arguments?: (.*)$/s.exec(msg.trim());
  if (!m) return undefined;
  // The options as typed ("--bogus-flag", "-z"), to report each once and as the user wrote it.
  const typedOptions = args
    .filter((a) => a.startsWith('-') && a !== '--' && !/^-\d/.test(a))
    .flatMap((a) => (a.startsWith('--') ? [`--${a.slice(2).split('=')[0]}`] : [...a.slice(1)].map((c) => `-${c}`)));
  const key = (name: string) => camel(name.replace(/^-+/, '').replace(/^no-/, ''));
  const options = new Set<string>();
  const stray = new Set<string>();
  for (const n of m[1].split(/,\s*/).filter((x) => x !== '')) {
    const typed = typedOptions.find((t) => key(t) === key(n));
    if (typed !== undefined) options.add(typed);
    else if (args.includes(n)) stray.add(JSON.stringify(n));
    else options.add(n.length === 1 ? `-${n}` : `--${n}`);
  }
  const plural = (word: string, xs: Set<string>) =>
    xs.size === 0 ? [] : [`unknown ${word}${xs.size > 1 ? 's' : ''} ${[...xs].join(', ')}`];
  return [...plural('option', options), ...plural('argument', stray)].join('; ');
}

/** "max-events" as yargs also names it, "maxEvents". */
const camel = (name: string): string => name.replace(/-+([^-])/g, (_, c: string) => c.toUpperCase());

/** What was typed for option `name` (kebab-case) in `args`: --name value, --name=value, or camel-cased. */
function typedValue(args: string[], name: string): string | undefined {
  for (const spelled of [name, camel(name)])
    for (let i = 0; i < args.length; i++) {
      if (args[i] === `--${spelled}`) return args[i + 1];
      if (args[i].startsWith(`--${spelled}=`)) return args[i].slice(spelled.length + 3);
    }
  return undefined;
}

/** The part of yargs' internals main() reaches into (see there). */
interface YargsInternals {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } | undefined };
}

/** Runs the CLI with `args` and returns the exit code (see EXIT). */
export async function main(rawArgs: string[], io: Io = processIo): Promise<number> {
  // The version alone needs no argument parser: answered before yargs (a tenth of a second) loads.
  if (rawArgs.length === 1 && rawArgs[0] === '--version') {
    io.out(`${iovsimVersion()}\n`);
    return EXIT.ok.code;
  }
  const { default: yargs } = await import('yargs');
  // yargs drops a lone "-"; it means standard input (run -) or no file (--out -), so it
  // travels as STDIN, a name no option starts with.
  const args = rawArgs.map((a) => (a === '-' ? STDIN : a));
  let code: number = EXIT.ok.code;
  const ctx: CommandContext = { io, exit: (c) => (code = c) };
  let parser = yargs(args)
    .scriptName('iovsim')
    .usage(
      '$0 <command> [options]\n\nSimulates what network I/O virtualization costs: native, emulated, paravirtual, VMDq and SR-IOV paths, and the variants `iovsim paths` lists.',
    )
    .example('$0 run scenarios/quickstart.yaml', 'the quickstart: five paths on one 10 GbE host')
    .example('$0 examples --copy my-scenarios', 'copy the bundled scenarios to edit')
    .example('$0 validate my.yaml', 'check a scenario without running it')
    .example('$0 run my.yaml --modes sriov,vmdq --report', 'two of its paths, with charts');
  for (const c of COMMANDS) {
    parser = parser.command(c.command, c.describe, c.builder, (argv) => c.handler(argv as never, ctx));
  }
  parser = parser
    .demandCommand(1, `Give a command: ${COMMANDS.map((c) => c.command.split(' ')[0]).join(', ')} (see --help).`)
    .strict()
    .version(iovsimVersion())
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      const unknown = unknownOptions(msg ?? '', args);
      if (unknown)
        throw new InputError('command line', 'what the command knows (see iovsim <command> --help)', unknown);
      // One line, whatever yargs' message looks like.
      throw new InputError(
        'command line',
        'valid arguments (see iovsim --help)',
        (msg ?? 'invalid arguments').replace(/\s*\n\s*/g, ' '),
      );
    })
    .middleware((argv) => {
      // yargs turns a number option's non-number into NaN: name what was typed instead (not
      // when help is asked for, which needs no valid value).
      if (argv.help) return;
      for (const [key, value] of Object.entries(argv)) {
        const nan = Array.isArray(value) ? value.some((v) => Number.isNaN(v)) : Number.isNaN(value);
        if (key.length > 1 && !key.includes('-') && nan) {
          const name = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
          const typed = typedValue(args, name);
          throw new InputError(
            `--${name}`,
            'a number',
            typed === undefined ? 'a value that is not a number' : JSON.stringify(typed),
          );
        }
      }
    }, true)
    .epilog(
      `Exit codes: ${exitCodes}. Docs: docs/scenarios.md, docs/model.md, docs/experiments.md, docs/cluster.md, docs/validation.md.`,
    );

  // yargs renders a command's whole help text each time the command runs, to have it ready for
  // a later showHelp(). iovsim never shows help after a command (its failures are one line), and
  // the rendering, string-width's Unicode tables included, took 27 ms of every command's start,
  // ahead of `run`'s first worker. Through yargs' internals: should they change, the help is
  // rendered as before (test/load-cli.test.ts notices).
  const usage = (parser as unknown as YargsInternals).getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};

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
      code = EXIT.badInput.code;
    } else if (e instanceof EnvironmentError) {
      io.err(`iovsim: ${e.message}\n`);
      code = EXIT.environment.code;
    } else {
      io.err(
        `iovsim: internal error (a bug; please report it with the command and the scenario): ${(e as Error).message}\n`,
      );
      if (process.env.IOVSIM_DEBUG) io.err(`${(e as Error).stack}\n`);
      code = EXIT.internal.code;
    }
  }
  return code;
}
