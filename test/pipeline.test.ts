import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { cli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'iovsim-pipeline-'));
const SMALL = 'duration: 10 ms\nwarmup: 1 ms\nvms: {count: 3}\nhost: {cores: 6}\n';
const write = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const bin = join(__dirname, '..', 'bin', 'iovsim.js');
/** The installed command in a folder of its own, with `input` on its standard input. */
const iovsim = (args: string[], cwd: string, input?: string) =>
  spawnSync(process.execPath, [bin, ...args], { cwd, input, encoding: 'utf8' });

describe('output for pipelines', () => {
  it('--no-write and --out - print and write nothing, not even results/ in the current folder', () => {
    const f = write('nowrite.yaml', SMALL);
    for (const flag of [['--no-write'], ['--out', '-']]) {
      const cwd = mkdtempSync(join(tmpdir(), 'iovsim-cwd-'));
      const r = iovsim(['run', f, '--format', 'csv', '--modes', 'sriov', ...flag], cwd);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.split('\n')[0]).toMatch(/^scenario,path,/);
      expect(readdirSync(cwd)).toEqual([]);
    }
  });

  it('without --out, the CSV goes to results/ of the current folder, and stderr says where', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'iovsim-cwd-'));
    const r = iovsim(['run', write('here.yaml', SMALL), '--modes', 'sriov'], cwd);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/here: wrote results\/here\.csv/);
    expect(existsSync(join(cwd, 'results', 'here.csv'))).toBe(true);
  });

  it('--no-write refuses --resume and --report with one line', async () => {
    const f = write('refuse.yaml', SMALL);
    for (const opt of ['--resume', '--report']) {
      const r = await cli(['run', f, '--no-write', opt]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`^iovsim: ${opt}: expected CSV files .*not with --no-write`));
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });

  it('--format csv prints one header for several files, with the union of their columns', async () => {
    const a = write('one.yaml', SMALL);
    const b = write('two.yaml', `${SMALL}sweep: {vms.count: [1, 2]}\n`);
    const r = await cli(['run', a, b, '--no-write', '--format', 'csv', '--modes', 'sriov,vmdq']);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.filter((l) => l.includes('scenario,path'))).toHaveLength(1);
    const rows = parse(r.out, { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => `${x.scenario}/${x.path}/${x['vms.count']}`)).toEqual([
      'one/sriov/',
      'one/vmdq/',
      'two/sriov/1',
      'two/vmdq/1',
      'two/sriov/2',
      'two/vmdq/2',
    ]);
  });
});

describe('iovsim run - (a scenario on standard input)', () => {
  it('runs it, names it "stdin" and writes stdin.csv', async () => {
    const out = join(dir, 'stdin-out');
    const r = await cli(['run', '-', '--out', out, '--modes', 'sriov', '--quiet'], SMALL);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^stdin\n/);
    expect(readFileSync(join(out, 'stdin.csv'), 'utf8')).toMatch(/^scenario,.*\nstdin,sriov,/);
  });

  it('through the installed command: a pipe runs; an empty one is refused with exit 2 and one line', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'iovsim-cwd-'));
    const ok = iovsim(['run', '-', '--no-write', '--format', 'csv', '--modes', 'native'], cwd, SMALL);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/\nstdin,native,rx,3,/);
    const empty = iovsim(['run', '-', '--no-write'], cwd, '');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toBe('iovsim: <stdin>: expected a scenario (a mapping of fields), found an empty file\n');
    const bad = iovsim(['run', '-', '--no-write'], cwd, 'traffic: {load: 5 Gbps}\n');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^iovsim: <stdin>: traffic\.load: expected a non-negative rate.*found "5 Gbps"\n$/);
  });

  it('refuses a terminal on standard input instead of waiting for it (script gives the run a terminal)', () => {
    // script(1) is util-linux's, essential on Debian: it runs the command on a pseudo-terminal.
    const r = spawnSync('script', ['-qec', `${process.execPath} ${bin} run - --no-write`, '/dev/null'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(2);
    expect(r.stdout.trim()).toBe(
      'iovsim: <stdin>: expected a scenario piped or redirected to standard input (iovsim run - < x.yaml), found a terminal',
    );
  });

  it('is named once at most', async () => {
    const r = await cli(['run', '-', '-', '--no-write'], SMALL);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/files: expected standard input \(-\) named once/);
  });
});

describe('per-VM and per-core values in long form', () => {
  it('<name>.per_vm.csv and <name>.per_core.csv hold the wide columns, one row per VM or core', async () => {
    const out = join(dir, 'long');
    const f = write('long.yaml', `${SMALL}sweep: {traffic.load: [1 Gbit/s, 2 Gbit/s]}\n`);
    const r = await cli(['run', f, '--out', out, '--modes', 'sriov,paravirtual', '--quiet']);
    expect(r.code, r.err).toBe(0);
    const wide = parse(readFileSync(join(out, 'long.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const perVm = parse(readFileSync(join(out, 'long.per_vm.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    const perCore = parse(readFileSync(join(out, 'long.per_core.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(Object.keys(perVm[0])).toEqual(['traffic.load', 'scenario', 'path', 'vm', 'gbps']);
    expect(Object.keys(perCore[0])).toEqual(['traffic.load', 'scenario', 'path', 'core', 'util_pct']);
    expect(perVm).toHaveLength(wide.length * 3);
    expect(perCore).toHaveLength(wide.length * 6);
    for (const line of perVm) {
      const row = wide.find((w) => w['traffic.load'] === line['traffic.load'] && w.path === line.path)!;
      expect(line.gbps).toBe(row[`vm${line.vm}_gbps`]);
    }
    for (const line of perCore) {
      const row = wide.find((w) => w['traffic.load'] === line['traffic.load'] && w.path === line.path)!;
      expect(line.util_pct).toBe(row[`core${line.core}_util_pct`]);
    }
    // No empty cell anywhere in the long form.
    for (const line of [...perVm, ...perCore]) expect(Object.values(line)).not.toContain('');
  });
});

describe('iovsim examples', () => {
  it('lists the bundled scenarios with their descriptions', async () => {
    const r = await cli(['examples']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}quickstart\.yaml +10 GbE, 8 cores/m);
    expect(r.out).toMatch(/^ {2}validation\/mm1-rho0\.5\.yaml /m);
    expect(r.out).toMatch(/^ {2}published\/r6-sriov-10-60vms\.yaml /m);
    expect(r.out).toMatch(/examples --copy DIR/);
  });

  it('--copy DIR copies them and the schema; a second copy is refused with exit 2 and one line', async () => {
    const to = join(dir, 'copied');
    const r = await cli(['examples', '--copy', to]);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(to).sort()).toEqual([
      'experiments',
      'modern',
      'paths',
      'published',
      'quickstart.yaml',
      'scenario.schema.json',
      'validation',
    ]);
    expect(readFileSync(join(to, 'quickstart.yaml'), 'utf8')).toBe(
      readFileSync(join(__dirname, '..', 'scenarios', 'quickstart.yaml'), 'utf8'),
    );
    const v = await cli(['validate', join(to, 'published', 'r3-esx-netqueue-off-8vms.yaml')]);
    expect(v.code, v.err).toBe(0);
    // A scenario that names a path file still finds it in the copy.
    const p = await cli(['validate', join(to, 'experiments', 'custom-paths.yaml')]);
    expect(p.code, p.err).toBe(0);
    const again = await cli(['examples', '--copy', to]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(
      /^iovsim: --copy: expected a folder without the example files in it \(nothing is overwritten\), found .*already there\n$/,
    );
  });

  it('--copy onto a file is refused', async () => {
    const r = await cli(['examples', '--copy', write('a-file', 'x')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--copy: expected a folder .*found the file/);
  });
});
