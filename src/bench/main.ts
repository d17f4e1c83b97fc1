// npm run bench: speed and memory of iovsim on this machine, as ratios against a reference
// run in the same process where one exists. Not part of npm test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Row } from '../metrics/metrics.js';
import { toCsv } from '../output/csv.js';
import { writeAtomic } from '../output/write.js';
import { holdIovsim, holdTypedArrayHeap, holdWorkload } from './hold.js';
import { quickstart, timePath } from './paths.js';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x: number, d = 2): string => x.toFixed(d);
const quick = process.argv.includes('--quick');
const rows: Row[] = [];
const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
const log = (line: string): void => void process.stdout.write(line + '\n');

log(`iovsim bench on ${machine}${quick ? ' (--quick: shorter runs, no 100M-packet run)' : ''}\n`);

// 1. Hold model, alternating the two implementations so drift in the machine hits both.
{
  const w = holdWorkload(quick ? 2_000_000 : 10_000_000, 1000);
  const ours: number[] = [];
  const ref: number[] = [];
  for (let i = 0; i < 5; i++) {
    ours.push(holdIovsim(w));
    ref.push(holdTypedArrayHeap(w));
  }
  const a = median(ours);
  const b = median(ref);
  log('1. hold model (1000 pending, each event schedules one at now + Exp(1)), median of 5 alternating runs');
  log(`   iovsim engine (typed-array heap)    ${fmt(a / 1e6)} M events/s`);
  log(`   typed-array binary heap (reference) ${fmt(b / 1e6)} M events/s`);
  log(`   ratio                               ${fmt(a / b, 3)}   (target >= 0.75)\n`);
  rows.push({
    benchmark: 'hold',
    item: 'iovsim',
    value: Number(fmt(a / 1e6, 3)),
    unit: 'M events/s',
    reference: Number(fmt(b / 1e6, 3)),
    ratio: Number(fmt(a / b, 3)),
    target: '>= 0.75 ratio',
    machine,
  });
}

// 2. Per path, the quickstart configuration.
{
  const duration = quick ? '0.2 s' : '1 s';
  const exp = quickstart(duration);
  timePath(quickstart('50 ms'), exp.paths[0]); // warm the JIT
  log(`2. per path: quickstart (10 GbE, 1518-B frames, 4 VMs, saturating), ${duration} simulated each`);
  log('   path          packets/wall-s  simulated s/wall s  events/wall-s');
  for (const p of exp.paths) {
    const s = timePath(exp, p);
    const pps = s.packets / s.wallSeconds;
    const ratio = s.simulatedSeconds / s.wallSeconds;
    log(
      `   ${p.name.padEnd(12)}  ${fmt(pps / 1e6).padStart(10)} M    ${fmt(ratio).padStart(14)}    ${fmt(s.events / s.wallSeconds / 1e6).padStart(9)} M`,
    );
    const target = ['sriov', 'vmdq', 'native'].includes(p.name)
      ? '>= 1 simulated s/wall s and >= 0.5 M packets/wall s'
      : '>= 0.5 M packets/wall s';
    rows.push({
      benchmark: 'path',
      item: p.name,
      value: Number(fmt(pps / 1e6, 3)),
      unit: 'M packets/wall s',
      reference: '',
      ratio: Number(fmt(ratio, 3)),
      target,
      machine,
    });
  }
  log('');
}

// 3. Peak RSS, each run in a fresh process.
{
  const child = fileURLToPath(new URL('./memory-child.js', import.meta.url));
  const sizes = quick ? [1_000_000, 10_000_000] : [1_000_000, 100_000_000];
  log('3. peak RSS of one sriov quickstart run (fresh process each)');
  const rss: number[] = [];
  for (const n of sizes) {
    const out = JSON.parse(execFileSync(process.execPath, [child, String(n), 'sriov'], { encoding: 'utf8' })) as {
      packets: number;
      wallSeconds: number;
      peakRssMb: number;
    };
    rss.push(out.peakRssMb);
    log(
      `   ${(n / 1e6).toFixed(0).padStart(4)} M packets: ${fmt(out.peakRssMb, 1)} MB peak RSS (${out.packets} delivered in ${fmt(out.wallSeconds, 1)} s)`,
    );
    rows.push({
      benchmark: 'memory',
      item: `${n / 1e6}M packets`,
      value: Number(fmt(out.peakRssMb, 1)),
      unit: 'MB peak RSS',
      reference: Number(fmt(rss[0], 1)),
      ratio: Number(fmt(out.peakRssMb / rss[0], 3)),
      target: '< 200 MB and within 10 % of the 1M run',
      machine,
    });
  }
  log(
    `   growth: ${fmt((100 * (rss[rss.length - 1] - rss[0])) / rss[0], 1)} %   (target: under 200 MB, within 10 %)\n`,
  );
}

// 4. Sweep scaling: the same sweep through the CLI with --jobs 1 and --jobs 2, each a fresh process.
{
  const tmp = mkdtempSync(join(tmpdir(), 'iovsim-bench-'));
  const scenario = join(tmp, 'sweep.yaml');
  writeFileSync(
    scenario,
    [
      'name: bench-sweep',
      `duration: ${quick ? '40 ms' : '500 ms'}`,
      'warmup: 5 ms',
      'host: { cores: 8, clock: 2.9 GHz, hypervisor_cores: 4 }',
      'nic: { vmdq_pools: 64, vfs: 64 }',
      'traffic: { load: saturate, frame_bytes: 1518 }',
      'sweep:',
      '  vms.count: [1, 2, 3, 4, 6, 8, 12, 16]',
      '',
    ].join('\n'),
  );
  const bin = fileURLToPath(new URL('../../bin/iovsim.js', import.meta.url));
  const wall = (jobs: number): number => {
    const t0 = performance.now();
    execFileSync(
      process.execPath,
      [bin, 'run', scenario, '--jobs', String(jobs), '--quiet', '--out', join(tmp, `j${jobs}`), '--format', 'csv'],
      { stdio: 'ignore' },
    );
    return (performance.now() - t0) / 1000;
  };
  const one = wall(1);
  const two = wall(2);
  const same =
    readFileSync(join(tmp, 'j1', 'sweep.csv'), 'utf8') === readFileSync(join(tmp, 'j2', 'sweep.csv'), 'utf8');
  rmSync(tmp, { recursive: true, force: true });
  log('4. sweep scaling: 8 points x 5 paths of the quickstart host, through the CLI');
  log(
    `   --jobs 1: ${fmt(one, 1)} s   --jobs 2: ${fmt(two, 1)} s   speed-up ${fmt(one / two)}x   (target >= 1.7x); CSVs ${same ? 'identical' : 'DIFFER'}`,
  );
  rows.push({
    benchmark: 'sweep',
    item: 'jobs 2 vs 1',
    value: Number(fmt(one / two, 3)),
    unit: 'speed-up',
    reference: Number(fmt(one, 2)),
    ratio: Number(fmt(two, 2)),
    target: '>= 1.7x, identical CSV',
    machine,
  });
}

const out = fileURLToPath(new URL('../../results/bench.csv', import.meta.url));
writeAtomic(out, toCsv(rows));
log(`\nwrote ${out}`);
