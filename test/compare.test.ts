import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { COSTS } from '../src/model/costs.js';
import { fitLine } from '../src/experiment/compare.js';
import { cli } from './support/cli.js';
import { experiment, run } from './support/scenario.js';

const root = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'iovsim-compare-'));

describe('iovsim compare', () => {
  it('reproduces every published result R1-R7 within tolerance, none set aside', async () => {
    const files = readdirSync(join(root, 'scenarios/published')).map((f) => join(root, 'scenarios/published', f));
    const r = await cli(['compare', ...files, '--out', dir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const csv = readFileSync(join(dir, 'published.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe(
      'id,scenario,path,metric,unit,published,published_low,published_high,claim,simulated,finding,error_pct,tolerance,result,source',
    );
    for (const id of ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7']) expect(csv).toMatch(new RegExp(`^${id},`, 'm'));
    // The three claims of the issue are checked as claims.
    expect(r.out).toMatch(/^R3 .*claim: without NetQueue, 8 VMs get less throughput than 4 VMs.*pass$/m);
    expect(r.out).toMatch(/^R6 .*claim: CPU grows roughly linearly.*pass$/m);
    expect(r.out).toMatch(/^R7 .*claim: paravirtual transmit is close to native.*pass$/m);
    expect(r.out).toMatch(/^R7 .*claim: paravirtual receive is 61 % below native.*pass$/m);
    // Numbers and prose in columns of their own: a claim's words in claim and finding.
    for (const row of parse(csv, { columns: true }) as Record<string, string>[]) {
      if (row.metric === 'claim') {
        expect([row.published, row.simulated, row.claim === '', row.finding === '']).toEqual(['', '', false, false]);
      } else {
        expect(Number.isFinite(Number(row.simulated)) && row.simulated !== '').toBe(true);
        expect([row.claim, row.finding]).toEqual(['', '']);
      }
    }
    // R1 without VMDq is held to its figure like every other.
    expect(csv).toMatch(/^R1,r1-vmdq-82598,paravirtual,tcp_payload_gbps,Gbit\/s,4,.*,pass,/m);
    expect(csv).not.toMatch(/informational/);
    expect(r.out).toMatch(/^\d+ passed, 0 failed$/m);
    expect(r.out).toContain(`\nwrote ${join(dir, 'published.csv')}\n`);
    // The committed comparison is this one (npm run results rewrites it).
    expect(csv).toBe(readFileSync(join(root, 'results/published.csv'), 'utf8'));
    // Its sidecar names what produced it: the command, the versions, every scenario's hash and seed.
    const meta = JSON.parse(readFileSync(join(dir, 'published.meta.json'), 'utf8'));
    expect(meta).toMatchObject({
      format: 'iovsim-study/1',
      command: 'compare',
      iovsim: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
      node: process.version,
      overrides: {},
    });
    expect(meta.scenarios.map((s: { file: string }) => s.file)).toEqual(files);
    for (const s of meta.scenarios) {
      expect(s.sha256).toBe(createHash('sha256').update(readFileSync(s.file)).digest('hex'));
      expect(Number.isInteger(s.seed)).toBe(true);
    }
  });

  it('exits 4 when a published figure is outside tolerance', async () => {
    const f = join(dir, 'off.yaml');
    writeFileSync(
      f,
      'duration: 10 ms\nwarmup: 1 ms\npaths: [sriov]\nreference: {id: X1, source: test, checks: [{path: sriov, metric: tcp_payload_gbps, value: 5}]}\n',
    );
    const r = await cli(['compare', f, '--out', dir]);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/X1 .*FAIL/);
    expect(r.out).toMatch(/^0 passed, 1 failed$/m);
  });

  it('refuses a scenario without a reference', async () => {
    const r = await cli(['compare', join(root, 'scenarios/quickstart.yaml'), '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/quickstart\.yaml: reference: expected a reference: block/);
  });

  it('fits a line exactly through collinear points', () => {
    expect(
      fitLine([
        [1, 3],
        [2, 5],
        [4, 9],
      ]),
    ).toEqual({ slope: 2, r2: 1 });
  });
});

describe('hardware catalogs', () => {
  it('a NIC or host by name brings its limits, and fields still override them', () => {
    const e = experiment({ nic: 'intel-82599', host: 'opteron-8389x2', paths: ['sriov'] });
    expect(e.config.nic).toMatchObject({ lineRateGbps: 10, vfs: 63, vmdqPools: 64 });
    expect(e.config.host).toMatchObject({ cores: 8, clockGhz: 2.9 });
    expect(experiment({ nic: 'intel-82576' }).config.nic).toMatchObject({ lineRateGbps: 1, vfs: 7 });
    expect(experiment({ nic: { model: 'intel-82598', vmdq_pools: 8 }, paths: ['vmdq'] }).config.nic).toMatchObject({
      vfs: 0,
      vmdqPools: 8,
    });
  });

  it('the 82598 has no VFs and the 82599 63', async () => {
    const f = join(dir, 'vf.yaml');
    writeFileSync(f, 'nic: intel-82598\nvms: {count: 1}\npaths: [sriov]\n');
    expect((await cli(['validate', f])).err).toMatch(/vms\.count: expected at most nic\.vfs = 0 VMs/);
    writeFileSync(f, 'nic: intel-82599\nvms: {count: 64}\npaths: [sriov]\n');
    expect((await cli(['validate', f])).err).toMatch(/vms\.count: expected at most nic\.vfs = 63 VMs.*found 64/);
    writeFileSync(f, 'nic: intel-82599x\n');
    expect((await cli(['validate', f])).err).toMatch(
      /nic: expected a NIC in the catalog \(one of: generic, intel-82598, intel-82599, intel-82576, intel-e810-25g, intel-e810-100g, nvidia-cx6dx-100g\) or a mapping of fields, found "intel-82599x"/,
    );
  });
});

describe('TCP segmentation offload on transmit', () => {
  it('charges per-packet work once per 64 KB segment and puts every frame on the wire', () => {
    // 65536 B of payload in 1448-B frames: 46 frames of 1518 B per segment.
    const r = run({
      duration: '21 ms',
      warmup: '1 ms',
      host: { cores: 2, clock: '2.9 GHz' },
      nic: { line_rate: '100 Gbit/s' },
      vms: { count: 1 },
      traffic: {
        direction: 'tx',
        load_per_vm: '460 kpps',
        arrivals: 'constant',
        frame_bytes: 1518,
        tso_segment_bytes: 65536,
      },
      paths: ['native'],
    }).native;
    // 460 kpps of frames = 10,000 segments/s: 200 segments, 9,200 frames in 20 ms.
    expect(r.deliveredPackets).toBe(9200);
    expect(r.wireFrames).toBe(9200);
    // Per segment: guest_driver + guest_stack + copy_per_byte x 46 x 1518.
    const perSegment = COSTS.guest_driver.default + COSTS.guest_stack.default + COSTS.copy_per_byte.default * 46 * 1518;
    const cycles = r.coreCycles.reduce((s, c) => s + c.reduce((a, b) => a + b, 0), 0);
    expect(cycles / 200).toBeCloseTo(perSegment, 3);
    expect(r.deliveredPayloadBytes).toBe(9200 * 1448);
  });

  it('is refused on receive', () => {
    expect(() => experiment({ traffic: { direction: 'rx', tso_segment_bytes: 65536 } })).toThrow(
      /no TSO segment size for receive/,
    );
  });
});
