import type { Argv } from 'yargs';
import { once, withFile, requiredList, type CommandContext } from '../context.js';

export const command = 'estimate <files..>';
const FORMATS = ['table', 'csv', 'json'] as const;
export const describe =
  "instant upper bound on each path's throughput from the operational laws (no simulation): the bottleneck and the bound, per sweep point";

export function builder(y: Argv) {
  return y
    .positional('files', {
      ...requiredList,
      describe: "scenario files (.yaml, .yml or .json); every sweep point, a search's base point",
    })
    .option('modes', {
      type: 'string',
      array: true,
      describe: "paths to estimate, instead of the scenario's (e.g. --modes sriov,vmdq)",
    })
    .option('format', {
      choices: FORMATS,
      default: 'table' as const,
      describe:
        "table; csv (one row per point and path); json (with every resource's demand, utilization and alone-bound)",
    });
}

type Args = Awaited<ReturnType<typeof builder>['argv']>;

const fmt = (v: string | number | undefined): string => {
  if (v === undefined || v === '') return '-';
  if (typeof v === 'string' || Number.isInteger(v)) return String(v);
  if (Math.abs(v) >= 1e5) return v.toExponential(3);
  return v.toFixed(Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 2 : 3);
};

/** Rows as aligned columns: text left, numbers right. */
function table(title: string, rows: Record<string, string | number>[], columns: [string, string][]): string {
  const present = columns.filter(([key]) => rows.some((r) => r[key] !== undefined));
  const cells = [present.map(([, label]) => label), ...rows.map((r) => present.map(([key]) => fmt(r[key])))];
  const numeric = present.map(([key]) => rows.every((r) => typeof r[key] !== 'string'));
  const widths = present.map((_, i) => Math.max(...cells.map((l) => l[i].length)));
  const line = (l: string[]) => l.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [title, ...cells.map(line)].join('\n').replace(/ +$/gm, '') + '\n';
}

/**
 * `iovsim estimate`: plans each file as `run` does (so it refuses what `run` refuses), then
 * bounds each path from the declared costs, the cores and the wire (experiment/estimate.ts).
 */
export async function handler(argv: Args, { io }: CommandContext): Promise<void> {
  const { parseOverrides } = await import('../../scenario/overrides.js');
  const { planFile } = await import('../../scenario/plan.js');
  const { estimatePlan, estimateRows } = await import('../../experiment/estimate.js');
  const { toCsv } = await import('../../output/csv.js');
  const format = once('format', argv.format, FORMATS);
  const overrides = parseOverrides({ modes: argv.modes });
  const plans = (argv.files as string[]).map((file) => withFile(file, () => planFile(file, overrides)));
  const all: Record<string, string | number>[] = [];
  const json: unknown[] = [];
  for (const plan of plans) {
    const points = estimatePlan(plan);
    const rows = estimateRows(plan, points);
    all.push(...rows);
    if (format === 'json') json.push({ scenario: plan.name, file: plan.file, points });
    if (format === 'table') {
      const title = `${plan.name}: upper bounds from the operational laws${plan.points[0].exp.search ? " (the search's base point)" : ''}`;
      io.out(
        table(title, rows, [
          ...plan.sweepKeys.map((k): [string, string] => [k, k]),
          ['path', 'path'],
          ['bottleneck', 'bottleneck'],
          ['bottleneck_hops', 'its hops'],
          ['delivered_gbps_bound', 'delivered Gbit/s <='],
          ['tcp_payload_gbps_bound', 'TCP payload Gbit/s <='],
          ['delivered_mpps_bound', 'Mpps <='],
          ['transactions_per_s_bound', 'transactions/s <='],
        ]) + '\n',
      );
    }
  }
  if (format === 'csv') io.out(toCsv(all));
  if (format === 'json') io.out(JSON.stringify(json, (_k, v: unknown) => (v === Infinity ? 'inf' : v), 2) + '\n');
}
