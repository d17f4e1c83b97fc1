import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './support/cli.js';

let dir: string;
const write = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const SMALL = `duration: 20 ms\nwarmup: 2 ms\nvms: {count: 2}\n`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iovsim-cli-'));
});

describe('iovsim run', () => {
  it('prints the paths side by side and writes one CSV with unit-carrying columns', async () => {
    const f = write('small.yaml', SMALL);
    const out = join(dir, 'out');
    const r = await cli(['run', f, '--out', out]);
    expect(r.code).toBe(0);
    for (const p of ['native', 'emulated', 'paravirtual', 'vmdq', 'sriov']) expect(r.out).toContain(p);
    const csv = readFileSync(join(out, 'small.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(6);
    const header = csv[0].split(',');
    for (const col of [
      'delivered_gbps',
      'delivered_mpps',
      'offered_gbps',
      'drop_pct',
      'latency_p99_us',
      'latency_p999_us',
      'cores_used',
      'cycles_per_pkt_exits',
      'fairness_jain',
      'vm1_gbps',
      'core7_util_pct',
    ]) {
      expect(header).toContain(col);
    }
    // The CSV, its provenance sidecar and the long forms; no temporary file is left behind.
    expect(readdirSync(out).sort()).toEqual(['small.csv', 'small.meta.json', 'small.per_core.csv', 'small.per_vm.csv']);
    // stderr names each of them.
    expect(r.err).toContain(
      `small: wrote ${join(out, 'small.csv')}, small.meta.json, small.per_vm.csv, small.per_core.csv (`,
    );
  });

  it('picks paths with --modes and prints json with --format json', async () => {
    const f = write('modes.yaml', SMALL);
    const r = await cli(['run', f, '--out', join(dir, 'out2'), '--modes', 'sriov,vmdq', '--format', 'json']);
    expect(r.code).toBe(0);
    const { results } = JSON.parse(r.out) as {
      results: {
        provenance: { iovsim: string; scenario: { file: string; sha256: string }; seed: number };
        rows: { path: string }[];
      }[];
    };
    expect(results).toHaveLength(1);
    expect(results[0].rows.map((x) => x.path)).toEqual(['sriov', 'vmdq']);
    expect(results[0].provenance.iovsim).toMatch(/^\d+\.\d+\.\d+$/);
    expect(results[0].provenance.scenario.file).toBe(f);
    expect(results[0].provenance.scenario.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(results[0].provenance.seed).toBe(1);
  });

  it('gives byte-identical CSV for the same seed, and different samples for another seed', async () => {
    const f = write('det.yaml', `${SMALL}traffic: {load: 6 Gbit/s, arrivals: poisson}\n`);
    const a = await cli(['run', f, '--out', join(dir, 'a'), '--format', 'csv']);
    const b = await cli(['run', f, '--out', join(dir, 'b'), '--format', 'csv']);
    const c = await cli(['run', f, '--out', join(dir, 'c'), '--format', 'csv', '--seed', '2']);
    expect(a.code + b.code + c.code).toBe(0);
    expect(readFileSync(join(dir, 'a', 'det.csv'))).toEqual(readFileSync(join(dir, 'b', 'det.csv')));
    expect(a.out).toBe(b.out);
    const p99 = (csv: string) => csv.split('\n')[1];
    expect(p99(c.out)).not.toBe(p99(a.out));
  });
});

describe('bad input: one clear line, exit 2, nothing written', () => {
  const cases: [string, string, string, RegExp][] = [
    [
      'unknown field',
      'unknown.yaml',
      'traffic:\n  laod: 5 Gbit/s\n',
      /unknown\.yaml: traffic\.laod: expected a known field .*found unknown field "laod"/,
    ],
    [
      'wrong unit',
      'unit.yaml',
      'traffic:\n  load: 5 Gbps\n',
      /unit\.yaml: traffic\.load: expected a non-negative rate with a unit.*found "5 Gbps"/,
    ],
    [
      'number without unit',
      'nounit.yaml',
      'duration: 200\n',
      /nounit\.yaml: duration: expected a positive duration with a unit.*found 200/,
    ],
    [
      'negative rate',
      'negative.yaml',
      'traffic:\n  load_per_vm: -2 Gbit/s\n',
      /negative\.yaml: traffic\.load_per_vm: expected a non-negative rate.*found "-2 Gbit\/s"/,
    ],
    [
      'negative count',
      'negcount.yaml',
      'vms:\n  count: -1\n',
      /negcount\.yaml: vms\.count: expected number of VMs as a whole number from 1 to 4096, found -1/,
    ],
    [
      'wrong type',
      'type.yaml',
      'host:\n  cores: eight\n',
      /type\.yaml: host\.cores: expected .*whole number.*found "eight"/,
    ],
    [
      'malformed YAML',
      'broken.yaml',
      'host: [\n  cores: 8\n',
      /broken\.yaml: expected well-formed YAML, found a syntax error at line \d+, column \d+: /,
    ],
    ['malformed JSON', 'broken.json', '{"host": ', /broken\.json: expected well-formed JSON, found a syntax error/],
    [
      'not a mapping',
      'list.yaml',
      '- 1\n- 2\n',
      /list\.yaml: expected a scenario \(a mapping of fields\), found \[1,2\]/,
    ],
    [
      'more VMs than VFs',
      'vfs.yaml',
      'vms: {count: 8}\nnic: {vfs: 7}\npaths: [sriov]\n',
      /vfs\.yaml: vms\.count: expected at most nic\.vfs = 7 VMs.*found 8/,
    ],
    [
      'more VMs than pools',
      'pools.yaml',
      'vms: {count: 17}\npaths: [vmdq]\n',
      /pools\.yaml: vms\.count: expected at most nic\.vmdq_pools = 16 VMs.*found 17/,
    ],
    [
      'unknown path',
      'path.yaml',
      'paths: [sriov, foo]\n',
      /path\.yaml: paths\[1\]: expected a path name \(one of: native.*found "foo"/,
    ],
    [
      'unknown cost',
      'cost.yaml',
      'costs: {vm_exitt: 5}\n',
      /cost\.yaml: costs\.vm_exitt: expected a known field \(one of: vm_exit,.*found unknown field "vm_exitt"/,
    ],
    [
      'a saturating path whose first hop costs nothing',
      'loop.yaml',
      'paths: [free]\ncustom_paths:\n  free:\n    base: sriov\n    rx:\n      - {kind: cpu, name: free, core: 0, instances: shared, ring: 4, notify: {kind: poll}, work: []}\n      - {kind: cpu, name: tiny, core: 1, instances: shared, ring: 1, notify: {kind: poll}, work: [{cause: guest, cycles: 100}]}\n',
      /loop\.yaml: custom_paths\.free\.rx\[0\]: expected a first hop that takes time when traffic\.load is "saturate".*found hop "free" with no cost/,
    ],
    [
      'warm-up too long',
      'warm.yaml',
      'duration: 10 ms\nwarmup: 20 ms\n',
      /warm\.yaml: warmup: expected a warm-up shorter than the duration/,
    ],
  ];

  for (const [what, name, text, pattern] of cases) {
    it(what, async () => {
      const f = write(name, text);
      const out = join(dir, `never-${name}`);
      const r = await cli(['run', f, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(pattern);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('missing file', async () => {
    const r = await cli(['run', join(dir, 'nope.yaml'), '--out', join(dir, 'never')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nope\.yaml: expected a readable scenario file .*found no such file/);
  });

  it('bad command-line values', async () => {
    const f = write('ok.yaml', SMALL);
    expect((await cli(['run', f, '--modes', 'warp'])).err).toMatch(/--modes: expected a path name.*found "warp"/);
    expect((await cli(['run', f, '--seed', '-4'])).err).toMatch(
      /--seed: expected a whole number from 0 to 2147483647, found -4/,
    );
    expect((await cli(['run', f, '--duration', 'soon'])).err).toMatch(
      /--duration: expected a positive duration.*found "soon"/,
    );
    expect((await cli(['run', f, '--out', f])).err).toMatch(
      /--out: expected a directory for the results .*found the file .*ok\.yaml/,
    );
    expect((await cli(['run', f, '--jobs', '0'])).err).toMatch(
      /--jobs: expected a whole number from 1 to \d+ \(4 per core\), found 0/,
    );
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['run'])).code).toBe(2);
  });

  it('leaves an earlier CSV untouched when a later file in the same run is bad', async () => {
    const good = write('keep.yaml', SMALL);
    const out = join(dir, 'keep');
    expect((await cli(['run', good, '--out', out])).code).toBe(0);
    const before = readFileSync(join(out, 'keep.csv'));
    const bad = write('bad-second.yaml', 'vms: {count: 0}\n');
    const r = await cli(['run', good, bad, '--out', out, '--seed', '9']);
    expect(r.code).toBe(2);
    expect(readFileSync(join(out, 'keep.csv'))).toEqual(before);
  });
});

describe('iovsim validate, paths, --help, --version', () => {
  it('validate checks without running', async () => {
    const f = write('v.yaml', SMALL);
    const r = await cli(['validate', f]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/v\.yaml: ok/);
    expect((await cli(['validate', write('vbad.yaml', 'seed: x\n')])).code).toBe(2);
    // A search is described by what it varies, not by its base point.
    const cap = write(
      'vcap.yaml',
      'search: {kind: capacity, vary: traffic.load_per_vm, from: 1 Gbit/s, to: 4 Gbit/s, slo: {loss: 0.01}}\ntraffic: {load_per_vm: 1 Gbit/s}\npaths: [sriov]\n',
    );
    expect((await cli(['validate', cap])).out).toBe(
      `${cap}: ok (capacity search of traffic.load_per_vm from 1 Gbit/s to 4 Gbit/s, paths: sriov)\n`,
    );
  });

  it('paths lists every path with its hops and the cost table with sources', async () => {
    const r = await cli(['paths']);
    expect(r.code).toBe(0);
    for (const p of ['native', 'emulated', 'paravirtual', 'vmdq', 'sriov'])
      expect(r.out).toMatch(new RegExp(`^${p}: `, 'm'));
    expect(r.out).toMatch(/vm_exit = 2000 cycles/);
    expect(r.out).toMatch(/source: \[X1\]/);
  });

  it('--help and --version', async () => {
    const h = await cli(['--help']);
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/run <files\.\.>/);
    expect(h.out).toMatch(/Exit codes/);
    const v = await cli(['--version']);
    expect(v.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    // Help is help, whatever else is on the line.
    const withBadValue = await cli(['run', 'x.yaml', '--jobs', 'abc', '--help']);
    expect(withBadValue.code).toBe(0);
    expect(withBadValue.out).toMatch(/--jobs/);
    // Unknown options are named once, as typed; a stray word is an argument.
    const unknown = await cli(['run', 'x.yaml', '--foo-2', '-zq']);
    expect(unknown.err.trimEnd()).toMatch(/found unknown options --foo-2, -z, -q$/);
    expect((await cli(['paths', 'extra'])).err.trimEnd()).toMatch(/found unknown argument "extra"$/);
  });
});

describe('iovsim report and run --report', () => {
  it('run --report writes the charts and an HTML page beside the CSV', async () => {
    const f = write('rep.yaml', SMALL);
    const out = join(dir, 'rep');
    const r = await cli(['run', f, '--out', out, '--report', '--quiet']);
    expect(r.code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toContain('rep.csv');
    expect(files).toContain('rep.html');
    expect(files.filter((x) => x.endsWith('.svg')).length).toBeGreaterThanOrEqual(3);
    const html = readFileSync(join(out, 'rep.html'), 'utf8');
    expect(html).toMatch(/<svg/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('report names the file at fault and exits 2', async () => {
    const r = await cli(['report', join(dir, 'none.csv'), '-o', join(dir, 'never.html')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/none\.csv: expected a readable CSV file, found no such file/);
    expect(existsSync(join(dir, 'never.html'))).toBe(false);
  });
});

describe('the installed command', () => {
  it('runs through bin/iovsim.js and exits 2 on bad input', () => {
    const bin = join(__dirname, '..', 'bin', 'iovsim.js');
    const ok = spawnSync(process.execPath, [bin, 'validate', write('bin.yaml', SMALL)], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const bad = spawnSync(process.execPath, [bin, 'run', join(dir, 'absent.yaml')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/absent\.yaml: expected a readable scenario file/);
  });
});
