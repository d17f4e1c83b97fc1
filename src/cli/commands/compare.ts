import { join } from 'node:path';
import type { Argv } from 'yargs';
import { EXIT, InputError } from '../../errors.js';
import type { ComparisonRow } from '../../experiment/compare.js';
import { checkOutDir, jobsOf, jobsOption, withFile, requiredList, type CommandContext } from '../context.js';

export const command = 'compare <files..>';
export const describe =
  'run scenarios that carry a reference: block and compare each published figure and claim with the simulation';

export function builder(y: Argv) {
  return y
    .positional('files', { ...requiredList, describe: 'scenario files with a reference: block' })
    .option('out', {
      type: 'string',
      default: 'results',
      describe: 'directory for published.csv (and sensitivity.csv), relative to the current folder',
    })
    .option('duration', { type: 'string', describe: "simulated duration, instead of each scenario's" })
    .option('jobs', jobsOption)
    .option('sensitivity', {
      type: 'boolean',
      default: false,
      describe:
        'also scale each default cost by 0.75 and 1.25 in turn and report which published checks constrain it (writes sensitivity.csv)',
    });
}

type Args = Awaited<ReturnType<typeof builder>['argv']>;

/** The comparison for the terminal: one line per figure or claim. */
export function comparisonTable(rows: ComparisonRow[]): string {
  const lines = rows.map((r) => {
    const published =
      r.published !== '' ? String(r.published) : r.published_low !== '' ? `${r.published_low}-${r.published_high}` : '';
    const what = r.metric === 'claim' ? `claim: ${r.claim}` : `${r.metric} ${published} ${r.unit}`;
    const err = r.error_pct !== '' ? ` (${Number(r.error_pct) > 0 ? '+' : ''}${r.error_pct} %)` : '';
    const result = r.result === 'pass' ? 'pass' : r.result === 'fail' ? 'FAIL' : 'info';
    return [r.id, `${r.scenario} / ${r.path}`, what, r.metric === 'claim' ? r.finding : `${r.simulated}${err}`, result];
  });
  const header = ['id', 'scenario / path', 'published', 'simulated', 'result'];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...lines.map((l) => Math.min(l[i].length, i === 3 ? 90 : 70))),
  );
  return (
    [header, ...lines].map((l) => l.map((c, i) => (i === 4 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n'
  );
}

export async function handler(argv: Args, ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  const { parseOverrides } = await import('../../scenario/overrides.js');
  const { planFile } = await import('../../scenario/plan.js');
  const jobs = jobsOf(argv.jobs);
  const overrides = parseOverrides({ duration: argv.duration });
  checkOutDir(argv.out);
  const plans = (argv.files as string[]).map((file) =>
    withFile(file, () => {
      const plan = planFile(file, overrides);
      if (!plan.scenario.reference)
        throw new InputError('reference', 'a reference: block (the published result to compare with)', 'nothing', file);
      return plan;
    }),
  );
  const { taskRunner } = await import('../../experiment/pool.js');
  const { comparePlans } = await import('../../experiment/compare.js');
  const { toCsv } = await import('../../output/csv.js');
  const { writeAtomic } = await import('../../output/write.js');
  const { studyMetaText, studyScenarioOf } = await import('../../output/meta.js');
  const { iovsimVersion } = await import('../../output/provenance.js');
  // Each CSV gets a sidecar naming the scenarios (content hash and seed) that produced it.
  const meta = (command: string) =>
    studyMetaText({
      command,
      iovsim: iovsimVersion(),
      node: process.version,
      overrides: { duration_ns: overrides.durationNs },
      scenarios: plans.map((p) => studyScenarioOf(p)),
    });
  const runner = taskRunner(jobs);
  try {
    const onWarning = (message: string) => io.err(`iovsim: warning: ${message}\n`);
    const rows = await comparePlans(plans, { runner, concurrency: jobs, overrides, onWarning });
    const csv = join(argv.out, 'published.csv');
    writeAtomic(join(argv.out, 'published.meta.json'), meta('compare'));
    writeAtomic(csv, toCsv(rows));
    io.out(comparisonTable(rows));
    io.out(`wrote ${csv}\n`);
    const failed = rows.filter((r) => r.result === 'fail').length;
    const passed = rows.filter((r) => r.result === 'pass').length;
    io.out(`${passed} passed, ${failed} failed\n`);
    if (failed > 0) ctx.exit(EXIT.disagrees.code);
    if (argv.sensitivity) {
      const { sensitivity } = await import('../../experiment/sensitivity.js');
      const files = plans.map((p) => p.file);
      const result = await sensitivity(files, {
        runner,
        concurrency: jobs,
        overrides,
        onProgress: (done, total) => {
          if (io.isTty) io.err(`\rsensitivity: ${done}/${total} runs`);
        },
      });
      const table = result.costs.map((c) => ({
        cost: c.cost,
        default: c.default,
        checks_constraining: new Set([...c.failLow, ...c.failHigh]).size,
        fail_at_0_75: c.failLow.join('; '),
        fail_at_1_25: c.failHigh.join('; '),
      }));
      writeAtomic(join(argv.out, 'sensitivity.meta.json'), meta('compare --sensitivity'));
      writeAtomic(join(argv.out, 'sensitivity.csv'), toCsv(table));
      io.out(
        `\nchecks that constrain each cost (fail with it x 0.75 or x 1.25), of ${result.checks.length} distinct checks:\n`,
      );
      const width = Math.max(...table.map((t) => t.cost.length));
      for (const t of table) {
        const which = [...new Set([...t.fail_at_0_75.split('; '), ...t.fail_at_1_25.split('; ')].filter(Boolean))].map(
          (k) => k.split(' ')[0],
        );
        io.out(
          `  ${t.cost.padEnd(width)}  ${String(t.checks_constraining).padStart(2)}  ${t.checks_constraining === 0 ? 'unconstrained by the published set' : [...new Set(which)].join(', ')}\n`,
        );
      }
    }
  } finally {
    await runner.close();
  }
}
