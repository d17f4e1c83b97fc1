import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { EXIT, InputError } from '../../errors.js';
import type { Row } from '../../metrics/metrics.js';
import { checkOutDir, PACKAGE_ROOT, withFile, type CommandContext } from '../context.js';

export const command = 'verify [files..]';
export const describe =
  "check the simulator against queueing theory: run each validation scenario's replications and compare with the closed form";

export function builder(y: Argv) {
  return y
    .positional('files', {
      type: 'string',
      array: true,
      describe: 'validation scenarios (default: the scenarios/validation/ shipped with iovsim)',
    })
    .option('out', {
      type: 'string',
      default: 'results',
      describe: 'directory for validation.csv, relative to the current folder',
    })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress messages on stderr' });
}

type Args = Awaited<ReturnType<typeof builder>['argv']>;

/** The validation scenarios shipped with iovsim. */
/** The package's own validation folder: where the built-in cases are, and how a sidecar names it. */
const VALIDATION_DIR = 'scenarios/validation';

/** The built-in cases: each file's path on this machine, and its name in the package (with `/`). */
function defaultValidationFiles(): { file: string; label: string }[] {
  const dir = join(PACKAGE_ROOT, VALIDATION_DIR);
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/i.test(f))
    .sort()
    .map((f) => ({ file: join(dir, f), label: `${VALIDATION_DIR}/${f}` }));
}

/** The verification table for the terminal. */
export function verifyTable(rows: Row[]): string {
  const header = ['case', 'metric', 'theory', 'simulated', '95% CI', 'CI/mean', 'result'];
  const lines = rows.map((r) => [
    String(r.case),
    String(r.metric),
    String(r.theory),
    String(r.simulated_mean),
    `±${r.ci95_half_width}`,
    `${Number(r.ci95_half_width_pct).toFixed(2)} %`,
    r.result === 'pass' ? 'pass' : `FAIL (${r.why})`,
  ]);
  const all = [header, ...lines];
  const widths = header.map((_, c) => Math.max(...all.map((l) => l[c].length)));
  return (
    all
      .map((l) => l.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '))
      .join('\n') + '\n'
  );
}

export async function handler(argv: Args, ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  const { planFile } = await import('../../scenario/plan.js');
  const { verify, verifyRow } = await import('../../experiment/verify.js');
  const { toCsv } = await import('../../output/csv.js');
  const { writeAtomic } = await import('../../output/write.js');
  checkOutDir(argv.out);
  const files = argv.files?.length ? argv.files.map((file) => ({ file, label: file })) : defaultValidationFiles();
  const loaded = files.map(({ file, label }) => {
    const plan = withFile(file, () => planFile(file));
    return { file, label, plan, exp: plan.points[0].exp };
  });
  for (const { file, exp } of loaded)
    if (!exp.validation) throw new InputError('validation', 'a validation: block', 'nothing', file);
  const rows: Row[] = [];
  for (const { exp } of loaded) {
    if (!argv.quiet && io.isTty) io.err(`verify: ${exp.name} (${exp.validation!.replications} replications)\n`);
    rows.push(verifyRow(verify(exp)));
  }
  const csv = join(argv.out, 'validation.csv');
  const { studyMetaText, studyScenarioOf } = await import('../../output/meta.js');
  const { iovsimVersion } = await import('../../output/provenance.js');
  // The built-in cases by their place in the package, so the sidecar is the same on every machine.
  const scenarios = loaded.map(({ plan, label }) => studyScenarioOf(plan, label));
  writeAtomic(
    join(argv.out, 'validation.meta.json'),
    studyMetaText({ command: 'verify', iovsim: iovsimVersion(), node: process.version, overrides: {}, scenarios }),
  );
  writeAtomic(csv, toCsv(rows));
  if (!argv.quiet) io.err(`verify: wrote ${csv}\n`);
  io.out(verifyTable(rows));
  const failed = rows.filter((r) => r.result !== 'pass').length;
  io.out(`${rows.length - failed} passed, ${failed} failed\n`);
  if (failed > 0) ctx.exit(EXIT.disagrees.code);
}
