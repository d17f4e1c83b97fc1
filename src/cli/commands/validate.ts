import type { Argv } from 'yargs';
import type { RequestRate } from '../../scenario/schema.js';
import type { Rate } from '../../scenario/units.js';
import { maxEventsOption, withFile, requiredList, type CommandContext } from '../context.js';

export const command = 'validate <files..>';
export const describe = 'check scenario files without running them: every check `run` makes before it runs';

export function builder(y: Argv) {
  return y
    .positional('files', { ...requiredList, describe: 'scenario files' })
    .option('seed', { type: 'number', describe: 'check with this seed, as `run --seed` would' })
    .option('modes', { type: 'string', array: true, describe: 'check these paths, as `run --modes` would' })
    .option('duration', { type: 'string', describe: 'check with this duration, as `run --duration` would' })
    .option('max-events', maxEventsOption);
}

type Args = Awaited<ReturnType<typeof builder>['argv']>;

/** Plans each file exactly as `run` does, so whatever `run` would refuse, `validate` refuses. */
export async function handler(argv: Args, { io }: CommandContext): Promise<void> {
  const { parseOverrides } = await import('../../scenario/overrides.js');
  const { planFile } = await import('../../scenario/plan.js');
  const overrides = parseOverrides({
    seed: argv.seed,
    modes: argv.modes,
    duration: argv.duration,
    maxEvents: argv['max-events'],
  });
  for (const file of argv.files as string[]) {
    const plan = withFile(file, () => planFile(file, overrides));
    const exp = plan.points[0].exp;
    const points = plan.points.length > 1 ? `, ${plan.points.length} sweep points` : '';
    const search = exp.search;
    // A search varies its field itself: its base point's value would mislead.
    const what =
      search?.kind === 'capacity'
        ? `capacity search of ${search.vary} from ${await bound(search.from)} to ${await bound(search.to)}`
        : search?.kind === 'zero-loss'
          ? `zero-loss search, ${exp.config.vms} VMs`
          : `${exp.config.vms} VMs`;
    io.out(`${file}: ok (${what}, paths: ${exp.paths.map((p) => p.name).join(', ')}${points})\n`);
  }
}

/** A capacity search's bound as written: a VM count, a rate, or a request rate. */
async function bound(b: number | Rate | RequestRate): Promise<string> {
  if (typeof b === 'number') return String(b);
  const { formatRate, formatRequestRate } = await import('../../scenario/units.js');
  return 'requestsPerSec' in b ? formatRequestRate(b.requestsPerSec, b.unit) : formatRate(b);
}
