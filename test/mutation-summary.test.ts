import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// scripts/mutation-summary.mjs over a small report written by hand: what it counts, what it
// leaves out as judged equivalent (scripts/mutation-equivalent.json), and what it refuses.
const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'iovsim-mutation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = 'src/stats/jain.ts';
const source = readFileSync(join(root, file), 'utf8');
const mutant = (
  id: string,
  line: number,
  column: number,
  mutatorName: string,
  replacement: string,
  status: string,
) => ({
  id,
  mutatorName,
  replacement,
  status,
  location: { start: { line, column }, end: { line, column: column + 16 } },
});

let reports = 0;
async function summary(files: Record<string, unknown>, ...args: string[]) {
  return summaryOf({ files, config: { ignoreStatic: true } }, ...args);
}

async function summaryOf(content: object, ...args: string[]) {
  const report = join(dir, `r${++reports}.json`);
  writeFileSync(report, JSON.stringify(content));
  const out = join(dir, 'mutation.md');
  try {
    const r = await promisify(execFile)(
      process.execPath,
      ['scripts/mutation-summary.mjs', ...args, report, '--out', out],
      {
        cwd: root,
      },
    );
    return { code: 0, stdout: r.stdout, md: readFileSync(out, 'utf8') };
  } catch (e) {
    const err = e as { code: number; stderr: string; stdout: string };
    return { code: err.code, stdout: err.stdout + err.stderr, md: '' };
  }
}

describe('the mutation summary', () => {
  it('leaves a survivor judged equivalent out of the total, with its reason, and lists a judgement that matched nothing', async () => {
    const r = await summary({
      [file]: {
        source,
        mutants: [
          mutant('1', 6, 5, 'AssignmentOperator', 'sum -= values[i]', 'Survived'), // judged equivalent
          mutant('2', 9, 10, 'ConditionalExpression', 'true', 'Survived'), // not judged
          mutant('3', 7, 5, 'AssignmentOperator', 'sumSq -= values[i] * values[i]', 'Killed'),
        ],
      },
    });
    expect(r.code).toBe(0);
    expect(r.md).toContain('| `src/stats/jain.ts` | 1 | 1 | 1 | 0 | 0 | 0 | 0 | 2 | 50.0 |');
    expect(r.md).toMatch(/## Surviving mutants \(1\)[^#]*jain\.ts:9:10/);
    expect(r.md).toMatch(/## Surviving mutants judged equivalent \(1\)[^#]*jain\.ts:6:5[^#]*only used squared/);
    // The file's other judgement (9:10, `false`) matches no survivor of this report.
    expect(r.md).toMatch(/## Stale judgements \(1\)\n[^#]*`src\/stats\/jain\.ts:9:10` ConditionalExpression → `false`/);
    expect(r.stdout).toMatch(
      /1\/2 detected, score 50\.0 %, 1 survived, 1 judged equivalent, 0 without coverage, 1 stale/,
    );
  });

  it('a judgement counts only for a survivor: a killed mutant at the same place is counted as killed', async () => {
    const r = await summary({
      [file]: { source, mutants: [mutant('1', 6, 5, 'AssignmentOperator', 'sum -= values[i]', 'Killed')] },
    });
    expect(r.md).toContain('| `src/stats/jain.ts` | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 100.0 |');
    expect(r.md).toMatch(/## Stale judgements \(2\)/);
  });

  it('refuses a report of a source that has changed since', async () => {
    const r = await summary({ [file]: { source: source + '\n', mutants: [] } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/changed since they were mutated, rerun their chunks: src\/stats\/jain\.ts/);
  });

  it('knows a chunk whose static mutants ran with a smaller test configuration, and when it is stale', async () => {
    const tables = 'vitest.mutation-tables.config.ts';
    const content = {
      files: { [file]: { source, mutants: [mutant('1', 7, 5, 'AssignmentOperator', 'x', 'Killed')] } },
      config: { ignoreStatic: false, mutate: [file], vitest: { configFile: tables } },
    };
    const r = await summaryOf(content);
    expect(r.md).toContain(`every test of \`${tables}\` (a lower bound`);
    // Its globs name one file of src/stats: the folder's other files are not run.
    expect(r.md).toMatch(/\| `src\/stats` \(partial: \d+ files not run\) \|/);
    // Globs that cover the folder: a file with no entry had nothing to mutate, and the folder is whole.
    const whole = await summaryOf({ ...content, config: { ...content.config, mutate: ['src/stats/**/*.ts'] } });
    expect(whole.md).toContain('| `src/stats` | 1 |');
    const less = await summaryOf({
      ...content,
      config: { ...content.config, mutate: ['src/stats/**/*.ts', '!src/stats/lp.ts'] },
    });
    expect(less.md).toContain('| `src/stats` (partial: 1 file not run) |');
    const check = (...args: string[]) => checkReport(content, args);
    expect(await check(file, 'run', tables)).toEqual({ code: 0, stdout: '' });
    expect(await check(file, 'run', 'vitest.mutation.config.ts')).toEqual({
      code: 1,
      stdout: expect.stringMatching(
        /ran the tests of vitest\.mutation-tables\.config\.ts, not vitest\.mutation\.config\.ts/,
      ),
    });
    expect((await check(file, 'ignore', tables)).code).toBe(1);
    expect((await check('src/stats/other.ts', 'run', tables)).code).toBe(1);
  });
});

/** `mutation-summary.mjs --check report.json ...args`: its exit code and output. */
async function checkReport(content: object, args: string[]) {
  const report = join(dir, `c${++reports}.json`);
  writeFileSync(report, JSON.stringify(content));
  try {
    const r = await promisify(execFile)(
      process.execPath,
      ['scripts/mutation-summary.mjs', '--check', report, ...args],
      {
        cwd: root,
      },
    );
    return { code: 0, stdout: r.stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, stdout: err.stdout };
  }
}
