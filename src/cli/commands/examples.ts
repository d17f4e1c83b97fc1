import { copyFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { Argv } from 'yargs';
import { InputError } from '../../errors.js';
import { makeFolders } from '../../output/write.js';
import { PACKAGE_ROOT, type CommandContext } from '../context.js';

export const command = 'examples';
export const describe =
  'list the scenarios bundled with iovsim (quickstart, published results, experiments, queueing checks); --copy DIR copies them';

export function builder(y: Argv) {
  return y.option('copy', {
    type: 'string',
    requiresArg: true,
    describe:
      'copy the bundled scenarios and scenario.schema.json into DIR (created if needed; nothing is overwritten)',
  });
}

type Args = Awaited<ReturnType<typeof builder>['argv']>;

/** The bundled scenarios folder: scenarios/ of the package (or the repository). */
export const EXAMPLES_DIR = join(PACKAGE_ROOT, 'scenarios');
const SCHEMA = join(PACKAGE_ROOT, 'scenario.schema.json');

/** Every file under `dir`, relative to it, in a stable order. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? filesUnder(p).map((x) => join(f, x)) : [f];
    });
}

/** The bundled scenarios, relative to EXAMPLES_DIR, each with its description. */
export async function examples(): Promise<{ file: string; description: string }[]> {
  const { readScenarioData } = await import('../../scenario/load.js');
  return (
    filesUnder(EXAMPLES_DIR)
      // paths/ holds path files that scenarios name, not scenarios: copied, not listed.
      .filter((f) => /\.(ya?ml|json)$/i.test(f) && !f.startsWith(`paths${sep}`))
      .map((file) => {
        const data = readScenarioData(join(EXAMPLES_DIR, file)) as { description?: unknown };
        return { file, description: typeof data.description === 'string' ? data.description : '' };
      })
  );
}

/**
 * Copies the bundled scenarios (keeping their folders, so claims that name another scenario
 * still find it) and the JSON Schema into `dir`. Refuses, before copying anything, when any
 * file it would write is already there. Returns the files written.
 */
export function copyExamples(dir: string): string[] {
  const expected = 'a folder without the example files in it (nothing is overwritten)';
  if (dir.trim() === '') throw new InputError('--copy', expected, 'nothing');
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError('--copy', expected, `the file ${dir}`);
  const targets = [
    ...filesUnder(EXAMPLES_DIR).map((f) => [join(EXAMPLES_DIR, f), join(dir, f)]),
    [SCHEMA, join(dir, 'scenario.schema.json')],
  ];
  const there = targets.find(([, to]) => existsSync(to));
  if (there) throw new InputError('--copy', expected, `${there[1]} already there`);
  for (const [from, to] of targets) {
    makeFolders(dirname(to));
    copyFileSync(from, to);
  }
  return targets.map(([, to]) => to);
}

export async function handler(argv: Args, { io }: CommandContext): Promise<void> {
  if (argv.copy !== undefined) {
    if (Array.isArray(argv.copy)) throw new InputError('--copy', 'one folder', JSON.stringify(argv.copy.join(' ')));
    const written = copyExamples(argv.copy);
    io.out(
      `copied ${written.length - 1} scenarios and scenario.schema.json to ${argv.copy}\n` +
        `try: iovsim run ${join(argv.copy, 'quickstart.yaml')} --duration "50 ms"\n`,
    );
    return;
  }
  const list = await examples();
  const width = Math.max(...list.map((e) => e.file.length));
  io.out(`bundled scenarios, in ${EXAMPLES_DIR} (copy them with: iovsim examples --copy DIR):\n`);
  for (const e of list) io.out(`  ${e.file.padEnd(width)}  ${e.description}\n`);
  io.out(`JSON Schema for editors: ${SCHEMA}\n`);
}
