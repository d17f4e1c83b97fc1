import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { InputError } from '../../errors.js';
import { once, wroteFiles, requiredList, type CommandContext } from '../context.js';

export const command = 'merge <shards..>';
export const describe =
  'put the shard files of `run --shard` back together: the CSV (and .meta.json) one unsharded run writes, byte for byte';

export function builder(y: Argv) {
  return y
    .positional('shards', {
      ...requiredList,
      describe: 'shard files (<name>.shard-<i>-of-<n>.csv) or folders holding them',
    })
    .option('out', {
      alias: 'o',
      type: 'string',
      requiresArg: true,
      describe: 'the CSV to write (one study only); default: <name>.csv beside the shard files',
    })
    .option('report', {
      type: 'boolean',
      default: false,
      describe: 'also write charts (.svg) and an HTML report beside each CSV',
    })
    .option('quiet', { type: 'boolean', default: false, describe: 'no messages on stderr' });
}

type Args = Awaited<ReturnType<typeof builder>['argv']>;

/**
 * `iovsim merge <shards..>`: every check on the shards (missing, duplicated, foreign,
 * damaged) comes first, in the scenario layer; then each study's CSV and sidecar are
 * written, atomically, where an unsharded run would have put them.
 */
export async function handler(argv: Args, { io }: CommandContext): Promise<void> {
  const { metaFileFor } = await import('../../scenario/provenance.js');
  const { mergeShards } = await import('../../scenario/readback.js');
  const { toCsv } = await import('../../output/csv.js');
  const { metaText } = await import('../../output/meta.js');
  const { writeAtomic } = await import('../../output/write.js');
  const { writeLongTables } = await import('../../output/tidy.js');
  const studies = mergeShards(argv.shards as string[]);
  const out = argv.out === undefined ? undefined : once('out', argv.out);
  if (out !== undefined) {
    if (!/\.csv$/i.test(out) || out.trim() === '.csv')
      throw new InputError('--out', 'a CSV file name ending in .csv', JSON.stringify(out));
    if (studies.length > 1)
      throw new InputError(
        '--out',
        'one study to merge (without -o, each goes to <name>.csv beside its shards)',
        `${studies.length} studies: ${studies.map((s) => s.name).join(', ')}`,
      );
  }
  const targets = studies.map((s) => ({ s, csvFile: out ?? join(s.dir, `${s.name}.csv`) }));
  for (const { s, csvFile } of targets)
    if (
      s.files.some((f) => resolve(f) === resolve(csvFile) || resolve(metaFileFor(f)) === resolve(metaFileFor(csvFile)))
    )
      throw new InputError('--out', 'a file that is not one of the shards', csvFile);
  for (const { s, csvFile } of targets) {
    writeAtomic(metaFileFor(csvFile), metaText(s.meta));
    writeAtomic(csvFile, toCsv(s.rows));
    // The long forms an unsharded run writes, keyed as its plan was: the sidecar's row keys.
    const long = writeLongTables(
      csvFile,
      s.rows,
      Object.keys(s.meta.rows[0]?.key ?? {}).filter((k) => k !== 'path'),
    );
    if (!argv.quiet)
      io.err(
        `${s.name}: merged ${s.files.length} shards, ${s.rows.length} rows: ${wroteFiles([csvFile, metaFileFor(csvFile), ...long])}\n`,
      );
    if (argv.report) {
      const { reportForRun, wroteReport } = await import('./report.js');
      // The merged study's provenance, as the shards' sidecars recorded it.
      const m = s.meta;
      const provenance = { iovsim: m.iovsim, node: m.node, scenario: m.scenario, seed: m.seed };
      const written = await reportForRun(csvFile, { provenance });
      if (!argv.quiet) io.err(`${s.name}: ${wroteReport(written)}\n`);
    }
  }
}
