import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iovsimVersion } from '../src/output/provenance.js';
import { cli } from './support/cli.js';

/**
 * Provenance and a --resume that can be trusted: every run writes <name>.meta.json beside
 * its CSV; --resume keeps only rows the sidecar vouches for, refuses a CSV of unknown or
 * other origin (exit 2, one line naming the file, nothing written) unless --resume-any, and
 * recomputes damaged rows, never failing on them.
 */
const dir = mkdtempSync(join(tmpdir(), 'iovsim-provenance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = `name: prov
duration: 3 ms
warmup: 0.5 ms
traffic: {load: 2 Gbit/s, arrivals: poisson}
paths: [paravirtual, sriov]
replications: 2
sweep:
  vms.count: [1, 2, 3]
`;
const scenario = join(dir, 'prov.yaml');
writeFileSync(scenario, text);
const clean = join(dir, 'clean');
/** One worker thread: these runs are small, and tests run side by side. */
const run = (args: string[]) => cli(['run', ...args, '--jobs', '1']);
const csvOf = (out: string) => join(out, 'prov.csv');
const metaOf = (out: string) => join(out, 'prov.meta.json');
const read = (f: string) => readFileSync(f, 'utf8');

interface Meta {
  iovsim: string;
  node: string;
  scenario: { file: string; name: string; sha256: string };
  seed: number;
  overrides: Record<string, unknown>;
  cells: number;
  rows: { cell: number; key: Record<string, unknown>; seeds: number[]; digest: string; unverified?: true }[];
}

/** A copy of the clean run's CSV and sidecar in a fresh folder. */
function copyOfClean(name: string): string {
  const out = join(dir, name);
  mkdirSync(out, { recursive: true });
  copyFileSync(csvOf(clean), csvOf(out));
  copyFileSync(metaOf(clean), metaOf(out));
  return out;
}

beforeAll(async () => {
  const r = await run([scenario, '--out', clean, '--quiet']);
  expect(r.code, r.err).toBe(0);
});

describe('the provenance sidecar', () => {
  it('records version, Node, file, content hash, seed, overrides, and each row with its cell and seeds', async () => {
    const meta = JSON.parse(read(metaOf(clean))) as Meta;
    expect(meta.iovsim).toBe(iovsimVersion());
    expect(meta.node).toBe(process.version);
    expect(meta.scenario).toEqual({
      file: scenario,
      name: 'prov',
      sha256: createHash('sha256').update(readFileSync(scenario)).digest('hex'),
    });
    expect(meta.seed).toBe(1);
    expect(meta.overrides).toEqual({});
    expect(meta.cells).toBe(6);
    expect(meta.rows.map((r) => r.key)).toEqual(
      [1, 2, 3].flatMap((n) => ['paravirtual', 'sriov'].map((path) => ({ 'vms.count': n, path }))),
    );
    // Two replications each; a point's seeds are the same on both paths and differ between points.
    expect(meta.rows.every((r) => r.seeds.length === 2)).toBe(true);
    expect(meta.rows[0].seeds).toEqual(meta.rows[1].seeds);
    expect(meta.rows[0].seeds).not.toEqual(meta.rows[2].seeds);
    // The CSV carries no date: the same run writes the same bytes, sidecar included.
    const again = join(dir, 'again');
    await run([scenario, '--out', again, '--quiet']);
    expect(read(csvOf(again))).toBe(read(csvOf(clean)));
    expect(read(metaOf(again))).toBe(read(metaOf(clean)));
  });

  it('records the command line overrides', async () => {
    const out = join(dir, 'over');
    const r = await run([scenario, '--out', out, '--quiet', '--seed', '7', '--duration', '2 ms']);
    expect(r.code, r.err).toBe(0);
    const meta = JSON.parse(read(metaOf(out))) as Meta;
    expect(meta.seed).toBe(7);
    expect(meta.overrides).toEqual({ seed: 7, duration_ns: 2e6 });
  });
});

describe('--resume', () => {
  it('keeps every row of a complete run: the same bytes, nothing recomputed', async () => {
    const out = copyOfClean('complete');
    const r = await run([scenario, '--out', out, '--resume']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/0 of 6 rows to compute/);
    expect(read(csvOf(out))).toBe(read(csvOf(clean)));
  });

  /** [what, how to spoil the copy (folder), extra arguments, what the one line says] */
  const refused: [string, (out: string) => void, string[], RegExp][] = [
    [
      'a CSV without its sidecar',
      (out) => rmSync(metaOf(out)),
      [],
      /prov\.csv: --resume: expected its provenance sidecar prov\.meta\.json beside it, found no such file/,
    ],
    [
      'a sidecar that is not JSON',
      (out) => writeFileSync(metaOf(out), '{"format": "iovsim-run/1", '),
      [],
      /prov\.meta\.json: expected the provenance sidecar of prov\.csv.*found a file that is not JSON/,
    ],
    [
      'a sidecar of another iovsim version',
      (out) => writeFileSync(metaOf(out), read(metaOf(out)).replace(/"iovsim": "[^"]*"/, '"iovsim": "0.0.1"')),
      [],
      /prov\.meta\.json: iovsim: expected .*found 0\.0\.1 \(another iovsim version/,
    ],
    [
      'another seed',
      () => {},
      ['--seed', '2'],
      /prov\.meta\.json: seed: expected 2 \(this run's\), found 1 \(another seed/,
    ],
    [
      'another duration',
      () => {},
      ['--duration', '4 ms'],
      /prov\.meta\.json: overrides: expected \{"duration_ns":4000000\}.*found \{\}/,
    ],
  ];
  for (const [what, spoil, extra, line] of refused) {
    it(`refuses ${what}: exit 2, one line, nothing written`, async () => {
      const out = copyOfClean(`refused-${what.replace(/\W+/g, '-')}`);
      spoil(out);
      const before = read(csvOf(out));
      const r = await run([scenario, '--out', out, '--resume', ...extra]);
      expect(r.code, r.err).toBe(2);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(line);
      expect(r.err).toMatch(/--resume-any/);
      expect(read(csvOf(out))).toBe(before);
    });
  }

  it('refuses a CSV of another scenario content, naming the hashes', async () => {
    const out = copyOfClean('changed');
    const changed = join(out, 'prov.yaml');
    writeFileSync(changed, `${text}# a comment changes the content\n`);
    const r = await run([changed, '--out', out, '--resume']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /prov\.meta\.json: scenario\.sha256: expected [0-9a-f]{12}\.\.\. .*the scenario file's content differs/,
    );
  });

  it('--resume-any keeps the rows of a CSV without a sidecar, and marks them unverified', async () => {
    const out = copyOfClean('any');
    rmSync(metaOf(out));
    const r = await run([scenario, '--out', out, '--resume-any']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/--resume-any keeps 6 rows without provenance \(prov\.meta\.json is missing\)/);
    expect(read(csvOf(out))).toBe(read(csvOf(clean)));
    const meta = JSON.parse(read(metaOf(out))) as Meta;
    expect(meta.rows.every((row) => row.unverified === true)).toBe(true);
  });

  /** Replaces field `column` of data line `line` (1 = the first row) of a CSV's text. */
  const setField = (csv: string, line: number, column: string, value: string): string => {
    const lines = csv.split('\n');
    const cells = lines[line].split(',');
    cells[lines[0].split(',').indexOf(column)] = value;
    lines[line] = cells.join(',');
    return lines.join('\n');
  };

  /** [what, how to damage the CSV text, what the warning must say] */
  const damaged: [string, (csv: string) => string, RegExp][] = [
    [
      'a word in a numeric column, a hand-edited number, a row cut in half, an extra column, an unknown cell and a truncated end',
      (csv) => {
        let t = setField(csv, 1, 'warmup_ms', 'xyz');
        t = setField(t, 2, 'delivered_gbps', '-5');
        t = t
          .split('\n')
          .map((l, i) => (i === 3 ? l.slice(0, 40) : i === 4 ? `${l},9` : l))
          .join('\n');
        t = t.replace(/\n3,2,prov,paravirtual/, '\n4,2,prov,paravirtual');
        return t.slice(0, t.length - 200);
      },
      /keeping 0 rows, computing the others again: line 2: warmup_ms = "xyz", not a number; line 3: cell 1 differs from what prov\.meta\.json recorded; line 4: \d+ fields where the header has \d+; and 3 more$/m,
    ],
    [
      'an unclosed quote',
      (csv) => csv.replace(/\n2,2,prov,sriov/, '\n2,"2,prov,sriov'),
      /keeping 3 rows, computing the others again: line 7: Quote Not Closed/,
    ],
    ['binary garbage', () => '\u0000\u0001"\u00ff\n,,\n"', /not readable as CSV; recomputing every row/],
  ];
  for (const [what, damage, warning] of damaged) {
    it(`recomputes the rows of ${what}, and ends with the clean CSV`, async () => {
      const out = copyOfClean(`damaged-${what.slice(0, 30).replace(/\W+/g, '-')}`);
      const spoilt = damage(read(csvOf(out)));
      expect(spoilt).not.toBe(read(csvOf(out)));
      writeFileSync(csvOf(out), spoilt);
      const r = await run([scenario, '--out', out, '--resume']);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(warning);
      expect(r.err).not.toMatch(/internal error/);
      expect(read(csvOf(out))).toBe(read(csvOf(clean)));
      expect(read(metaOf(out))).toBe(read(metaOf(clean)));
    });
  }
});
