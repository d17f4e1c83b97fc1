import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOf } from '../src/scenario/shard.js';
import { cli } from './support/cli.js';

/**
 * Sharding: `run --shard i/n` runs the cells k with k mod n = i into a shard file, and
 * `merge` puts the shards back together into the CSV and sidecar one unsharded run writes,
 * byte for byte; a missing, duplicated, foreign or damaged shard is refused (exit 2).
 */
const dir = mkdtempSync(join(tmpdir(), 'iovsim-shard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The committed sweep with replications (8 cells x 5 replications), shortened.
const study = new URL('../scenarios/experiments/latency-vs-load.yaml', import.meta.url).pathname;
const fast = ['--duration', '6 ms', '--jobs', '1', '--quiet', '--format', 'csv'];
const whole = join(dir, 'whole');
const read = (f: string) => readFileSync(f, 'utf8');
const file = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

async function shards(n: number, out: string, file = study): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await cli(['run', file, '--out', out, '--shard', `${i}/${n}`, ...fast]);
    expect(r.code, r.err).toBe(0);
  }
}

beforeAll(async () => {
  const r = await cli(['run', study, '--out', whole, ...fast]);
  expect(r.code, r.err).toBe(0);
});

describe('run --shard and merge', () => {
  for (const n of [1, 2, 3, 7]) {
    it(`${n} shards merge into the unsharded CSV and sidecar, byte for byte`, async () => {
      const out = join(dir, `n${n}`);
      await shards(n, out);
      expect(readdirSync(out).filter((f) => f.endsWith('.csv'))).toHaveLength(n);
      const r = await cli(['merge', out]);
      expect(r.code, r.err).toBe(0);
      expect(read(join(out, 'latency-vs-load.csv'))).toBe(read(join(whole, 'latency-vs-load.csv')));
      expect(read(join(out, 'latency-vs-load.meta.json'))).toBe(read(join(whole, 'latency-vs-load.meta.json')));
      // The per-VM and per-core long forms too, which only the merge writes.
      const longForms = readdirSync(whole).filter((f) => /\.per_\w+\.csv$/.test(f));
      expect(longForms.length).toBeGreaterThan(0);
      for (const f of longForms) expect(read(join(out, f)), f).toBe(read(join(whole, f)));
    });
  }

  it('a shard holds the cells k with k mod n = i, each with its index', async () => {
    const lines = read(join(dir, 'n3', 'latency-vs-load.shard-1-of-3.csv'))
      .trimEnd()
      .split('\n');
    expect(lines[0]).toMatch(/^"cell","traffic\.load",/);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['1', '4', '7']);
  });

  it('-o names the merged CSV; shard files can be named one by one', async () => {
    const files = [0, 1].map((i) => join(dir, 'n2', `latency-vs-load.shard-${i}-of-2.csv`));
    const out = join(dir, 'merged', 'study.csv');
    const r = await cli(['merge', ...files, '-o', out]);
    expect(r.code, r.err).toBe(0);
    expect(read(out)).toBe(read(join(whole, 'latency-vs-load.csv')));
    expect(existsSync(join(dir, 'merged', 'study.meta.json'))).toBe(true);
  });

  it("a search's shards merge into its CSV and long forms, keyed as the unsharded run keys them", async () => {
    // Zero-loss rows carry results (the load found, the probes) before `scenario`: the long
    // forms must still be keyed by frame size only.
    const search = file(
      'zl.yaml',
      'name: zl\nwarmup: 1 ms\nvms: {count: 2}\ntraffic: {direction: rx, arrivals: constant}\n' +
        'search: {kind: zero-loss, loss: 0, frame_sizes: [256, 1518], resolution: 0.05}\npaths: [sriov, paravirtual]\n',
    );
    const out = join(dir, 'zl');
    await shards(3, out, search);
    expect((await cli(['merge', out])).code).toBe(0);
    const alone = join(dir, 'zl-whole');
    expect((await cli(['run', search, '--out', alone, ...fast])).code).toBe(0);
    const written = readdirSync(alone).filter((f) => f.endsWith('.csv'));
    expect(written).toEqual(expect.arrayContaining(['zl.csv', 'zl.per_vm.csv']));
    for (const f of written) expect(read(join(out, f)), f).toBe(read(join(alone, f)));
    expect(read(join(alone, 'zl.per_vm.csv')).split('\n')[0]).toMatch(/^frame_bytes,scenario,path,vm,/);
  });

  it('a shard with no cells is still a shard file, and merges', async () => {
    const one = join(dir, 'one.yaml');
    writeFileSync(one, 'name: one\nduration: 3 ms\nwarmup: 1 ms\npaths: [sriov]\n');
    const out = join(dir, 'one');
    await shards(2, out, one);
    expect(read(join(out, 'one.shard-1-of-2.csv'))).toBe('cell\n');
    expect((await cli(['merge', out])).code).toBe(0);
    const alone = await cli(['run', one, '--out', join(dir, 'one-whole'), ...fast]);
    expect(alone.code).toBe(0);
    expect(read(join(out, 'one.csv'))).toBe(read(join(dir, 'one-whole', 'one.csv')));
  });

  it('--resume works per shard: a shard that lost rows computes only those', async () => {
    const out = join(dir, 'resume');
    mkdirSync(out);
    for (const f of ['csv', 'meta.json'])
      copyFileSync(
        join(dir, 'n2', `latency-vs-load.shard-0-of-2.${f}`),
        join(out, `latency-vs-load.shard-0-of-2.${f}`),
      );
    const csv = join(out, 'latency-vs-load.shard-0-of-2.csv');
    const full = read(csv);
    writeFileSync(csv, full.split('\n').slice(0, 3).join('\n') + '\n');
    const r = await cli([
      'run',
      study,
      '--out',
      out,
      '--shard',
      '0/2',
      '--resume',
      ...fast.filter((a) => a !== '--quiet'),
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/2 of 4 rows to compute/);
    expect(read(csv)).toBe(full);
  });
});

describe('merge refuses what it cannot put together exactly', () => {
  /** A folder with copies of the 3-shard files, spoilt by `spoil`. */
  function copyOf(name: string, spoil: (out: string) => void): string {
    const out = join(dir, name);
    mkdirSync(out);
    for (const f of readdirSync(join(dir, 'n3')).filter((f) => f.includes('.shard-')))
      copyFileSync(join(dir, 'n3', f), join(out, f));
    spoil(out);
    return out;
  }
  const shardFile = (out: string, i: number, n = 3, ext = 'csv') =>
    join(out, `latency-vs-load.shard-${i}-of-${n}.${ext}`);

  const cases: [string, (out: string) => void, RegExp][] = [
    [
      'a missing shard',
      (out) => rmSync(shardFile(out, 1)),
      /latency-vs-load\.shard-\*-of-3\.csv: shards: expected all 3 shards of latency-vs-load, found no file for shard 1 \(cells 1, 4, 7\)$/,
    ],
    [
      'a shard without its sidecar',
      (out) => rmSync(shardFile(out, 2, 3, 'meta.json')),
      /latency-vs-load\.shard-2-of-3\.csv: expected its sidecar latency-vs-load\.shard-2-of-3\.meta\.json beside it, found no such file$/,
    ],
    [
      'shards split two ways',
      (out) => {
        copyFileSync(join(dir, 'n2', 'latency-vs-load.shard-1-of-2.csv'), shardFile(out, 1, 2));
        copyFileSync(join(dir, 'n2', 'latency-vs-load.shard-1-of-2.meta.json'), shardFile(out, 1, 2, 'meta.json'));
      },
      /shard-1-of-2\.csv: shard: expected shards of one study split the same way .*found shard 1 of 2$/,
    ],
    [
      'an interrupted shard',
      (out) => {
        const f = shardFile(out, 0);
        writeFileSync(f, read(f).trimEnd().split('\n').slice(0, 2).join('\n') + '\n');
      },
      /shard-0-of-3\.csv: rows: expected every cell of shard 0 of 3 \(3 rows\), found 1 rows, missing cells 3, 6 \(an interrupted shard: run it again with --resume\)$/,
    ],
    [
      'a hand-edited row',
      (out) => {
        const f = shardFile(out, 2);
        const spoilt = read(f).replace(/\n5,"6 Gbit\/s",5,/, '\n5,"6 Gbit/s",6,');
        expect(spoilt).not.toBe(read(f));
        writeFileSync(f, spoilt);
      },
      /shard-2-of-3\.csv: line 3: expected cell 5 as latency-vs-load\.shard-2-of-3\.meta\.json recorded it, found other values/,
    ],
    [
      'a shard file renamed to another index',
      (out) => {
        rmSync(shardFile(out, 1));
        rmSync(shardFile(out, 1, 3, 'meta.json'));
        copyFileSync(shardFile(out, 0), shardFile(out, 1));
        copyFileSync(shardFile(out, 0, 3, 'meta.json'), shardFile(out, 1, 3, 'meta.json'));
      },
      /shard-1-of-3\.meta\.json: shard: expected shard 1 of 3, as its file name says, found shard 0 of 3$/,
    ],
  ];
  for (const [what, spoil, line] of cases) {
    it(`${what}: exit 2, one line naming it, nothing written`, async () => {
      const out = copyOf(what.replace(/\W+/g, '-'), spoil);
      const r = await cli(['merge', out]);
      expect(r.code, r.err).toBe(2);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err.trimEnd()).toMatch(line);
      expect(existsSync(join(out, 'latency-vs-load.csv'))).toBe(false);
    });
  }

  it('a duplicated shard (the same shard in two folders): exit 2 naming both files', async () => {
    const other = copyOf('dup-other', () => {});
    const r = await cli(['merge', join(dir, 'n3'), shardFile(other, 2)]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /shard-2-of-3\.csv: shard: expected one file per shard \(shard 2 of 3 is also .*shard-2-of-3\.csv\)/,
    );
  });

  it('a foreign shard (another seed, another scenario content): exit 2 naming the field', async () => {
    const seeded = join(dir, 'seeded');
    const r0 = await cli(['run', study, '--out', seeded, '--shard', '2/3', '--seed', '9', ...fast]);
    expect(r0.code).toBe(0);
    const r = await cli(['merge', shardFile(join(dir, 'n3'), 0), shardFile(join(dir, 'n3'), 1), shardFile(seeded, 2)]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /seeded\/latency-vs-load\.shard-2-of-3\.meta\.json: seed: expected 1, as latency-vs-load\.shard-0-of-3\.csv has.*found 9/,
    );
    const edited = join(dir, 'edited');
    mkdirSync(edited);
    writeFileSync(join(edited, 'latency-vs-load.yaml'), `${read(study)}# edited\n`);
    const r1 = await cli(['run', join(edited, 'latency-vs-load.yaml'), '--out', edited, '--shard', '2/3', ...fast]);
    expect(r1.code).toBe(0);
    const r2 = await cli(['merge', shardFile(join(dir, 'n3'), 0), shardFile(join(dir, 'n3'), 1), shardFile(edited, 2)]);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(
      /scenario\.sha256: expected [0-9a-f]{12}\.\.\., .*the scenario file's content differs: a shard of another run/,
    );
  });

  it('-o with several studies, and files that are not shards', async () => {
    const both = await cli(['merge', join(dir, 'n3'), join(dir, 'one'), '-o', join(dir, 'x.csv')]);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--out: expected one study to merge .*found 2 studies/);
    const plain = await cli(['merge', join(whole, 'latency-vs-load.csv')]);
    expect(plain.code).toBe(2);
    expect(plain.err).toMatch(
      /latency-vs-load\.csv: expected a shard file \(<name>\.shard-<i>-of-<n>\.csv\) or a folder of them/,
    );
  });
});

describe('which shard: the command line, then the scheduler', () => {
  const env = (e: Record<string, string>) => e;
  const of = (arg: string | undefined, count: number | undefined, e: Record<string, string>) => {
    const s = shardOf(arg, count, e);
    return s && `${s.index}/${s.count}`;
  };

  it('finds Slurm, Kubernetes and AWS Batch array indices and their counts', () => {
    expect(of(undefined, undefined, env({}))).toBeUndefined();
    expect(of(undefined, undefined, env({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '16' }))).toBe('3/16');
    expect(
      of(undefined, undefined, env({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '7' })),
    ).toBe('3/8');
    expect(of(undefined, 4, env({ JOB_COMPLETION_INDEX: '2' }))).toBe('2/4');
    expect(of(undefined, undefined, env({ JOB_COMPLETION_INDEX: '2', IOVSIM_SHARD_COUNT: '5' }))).toBe('2/5');
    expect(of(undefined, undefined, env({ AWS_BATCH_JOB_ARRAY_INDEX: '9', AWS_BATCH_JOB_ARRAY_SIZE: '10' }))).toBe(
      '9/10',
    );
  });

  it('IOVSIM_SHARD_COUNT pins the count for a retried task; --shard always wins; --shard none runs it all', () => {
    // `sbatch --array=7`: Slurm says an array of one, from 7.
    const retry = {
      SLURM_ARRAY_TASK_ID: '7',
      SLURM_ARRAY_TASK_COUNT: '1',
      SLURM_ARRAY_TASK_MIN: '7',
      SLURM_ARRAY_TASK_MAX: '7',
    };
    expect(of(undefined, undefined, env({ ...retry, IOVSIM_SHARD_COUNT: '16' }))).toBe('7/16');
    expect(of('1/4', undefined, env({ ...retry, IOVSIM_SHARD_COUNT: '16' }))).toBe('1/4');
    expect(of('none', undefined, env({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '16' }))).toBeUndefined();
  });

  const refused: [string, string | undefined, number | undefined, Record<string, string>, RegExp][] = [
    [
      'a retried Slurm task without the count',
      undefined,
      undefined,
      { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_COUNT: '1', SLURM_ARRAY_TASK_MIN: '7' },
      /^SLURM_ARRAY_TASK_MIN: expected an array from 0/,
    ],
    [
      'a Slurm array with a step',
      undefined,
      undefined,
      { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_STEP: '2' },
      /^SLURM_ARRAY_TASK_STEP: expected an array without a step/,
    ],
    [
      'an index past the count',
      undefined,
      undefined,
      { SLURM_ARRAY_TASK_ID: '16', SLURM_ARRAY_TASK_COUNT: '16' },
      /^SLURM_ARRAY_TASK_ID: expected an index below the shard count 16/,
    ],
    [
      'a Kubernetes index without a count',
      undefined,
      undefined,
      { JOB_COMPLETION_INDEX: '2' },
      /^JOB_COMPLETION_INDEX: expected a shard count beside it \(--shard-count n or IOVSIM_SHARD_COUNT=n\), found JOB_COMPLETION_INDEX=2 alone$/,
    ],
    [
      'an AWS index without the size',
      undefined,
      undefined,
      { AWS_BATCH_JOB_ARRAY_INDEX: '1' },
      /^AWS_BATCH_JOB_ARRAY_INDEX: expected a shard count beside it/,
    ],
    [
      'a bad count',
      undefined,
      undefined,
      { JOB_COMPLETION_INDEX: '1', IOVSIM_SHARD_COUNT: 'four' },
      /^IOVSIM_SHARD_COUNT: expected a shard count, a whole number from 1 to 100000, found "four"$/,
    ],
    [
      'a malformed --shard',
      '3',
      undefined,
      {},
      /^--shard: expected i\/n, shard i \(from 0\) of n, such as 3\/16; or none, found "3"$/,
    ],
    [
      '--shard past its count',
      '4/4',
      undefined,
      {},
      /^--shard: expected an index below the count \(0 to 3 of 4\), found 4\/4$/,
    ],
    [
      '--shard-count against --shard',
      '1/4',
      5,
      {},
      /^--shard-count: expected the count of --shard 1\/4 \(4\), or nothing, found 5$/,
    ],
    ['--shard-count alone', undefined, 4, {}, /^--shard-count: expected a shard index with it/],
  ];
  for (const [what, arg, count, e, message] of refused) {
    it(`refuses ${what}`, () => {
      expect(() => shardOf(arg, count, e)).toThrow(message);
    });
  }

  it('run takes the shard from the environment, and says so', async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3' });
      const out = join(dir, 'from-env');
      const r = await cli(['run', study, '--out', out, ...fast.filter((a) => a !== '--quiet')]);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(/shard 1 of 3 \(from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT\)/);
      expect(read(join(out, 'latency-vs-load.shard-1-of-3.csv'))).toBe(
        read(join(dir, 'n3', 'latency-vs-load.shard-1-of-3.csv')),
      );
      const bad = await cli(['run', study, '--out', out, '--shard-count', '1', ...fast]);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(
        /^iovsim: SLURM_ARRAY_TASK_ID: expected an index below the shard count 1 \(from --shard-count/,
      );
    } finally {
      for (const k of ['SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_COUNT']) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});
