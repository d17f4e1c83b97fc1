import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { iovsimVersion } from '../src/output/provenance.js';
import { planFile } from '../src/scenario/plan.js';
import { metaHeader } from '../src/scenario/provenance.js';
import { rowsToResume } from '../src/scenario/readback.js';

/**
 * Interruption of a real process: SIGTERM (what Slurm, Kubernetes and AWS Batch send) and
 * SIGINT (Ctrl-C) stop the rows in flight at once, keep the CSV of the completed rows, and
 * exit 143 or 130; a second Ctrl-C ends it at once. The process is gone when it exits: its
 * workers are threads, and nothing else is started.
 */
const bin = fileURLToPath(new URL('../bin/iovsim.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'iovsim-interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario = (name: string, text: string): string => {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(f, text);
  return f;
};

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** ms from the first signal to the exit */
  tookMs: number;
  err: string;
}

/**
 * Runs iovsim and sends `signals` (5 ms apart) once `ready()` holds and `afterMs` have
 * passed since the start, then waits for the exit.
 */
function interrupt(
  args: string[],
  signals: NodeJS.Signals[],
  afterMs: number,
  ready: (stderr: string) => boolean,
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    let sentAt = 0;
    const poll = setInterval(() => {
      if (sentAt || Date.now() - started < afterMs || !ready(err)) return;
      sentAt = Date.now();
      signals.forEach((s, i) => setTimeout(() => child.kill(s), 5 * i));
    }, 20);
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit within 30 s; stderr: ${err}`));
    }, 30_000);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      clearTimeout(guard);
      resolve({ code, signal, tookMs: sentAt ? Date.now() - sentAt : -1, err });
    });
  });
}

describe('interruption', () => {
  it('SIGTERM after 1 s: exit 143 within 3 s, a valid CSV of the completed rows that --resume keeps', async () => {
    // 12 cells of about 0.2-0.4 s each on two workers: some done after 1 s, most not.
    const f = scenario(
      'long',
      'name: long\nduration: 400 ms\nwarmup: 10 ms\ntraffic: {load: saturate}\npaths: [sriov]\nsweep:\n  vms.count: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]\n',
    );
    const out = join(dir, 'term');
    // After 1 s, once the first row is in the CSV (later on a loaded machine).
    const r = await interrupt(['run', f, '--out', out, '--jobs', '2', '--quiet'], ['SIGTERM'], 1000, () =>
      existsSync(join(out, 'long.csv')),
    );
    expect(r.signal, r.err).toBeNull();
    expect(r.code, r.err).toBe(143);
    expect(r.tookMs).toBeLessThan(3000);
    expect(r.err).toMatch(/interrupted \(SIGTERM\)/);
    const csv = join(out, 'long.csv');
    expect(existsSync(csv), r.err).toBe(true);
    const rows = parse(readFileSync(csv, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(12);
    rows.forEach((row, i) => expect(row['vms.count']).toBe(String(i + 1)));
    const meta = JSON.parse(readFileSync(join(out, 'long.meta.json'), 'utf8')) as { rows: unknown[] };
    expect(meta.rows.length).toBe(rows.length);
    const plan = planFile(f);
    const { kept, dropped } = rowsToResume({
      plan,
      csvFile: csv,
      metaFile: join(out, 'long.meta.json'),
      expected: metaHeader(plan, { version: iovsimVersion(), node: process.version, overrides: {} }),
      any: false,
    });
    expect(dropped).toEqual([]);
    expect(kept.size).toBe(rows.length);
    // The long forms describe the same rows as the CSV: VM count n has n per-VM lines, none empty.
    const perVm = parse(readFileSync(join(out, 'long.per_vm.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(perVm.length).toBe((rows.length * (rows.length + 1)) / 2);
    for (const line of perVm) for (const v of Object.values(line)) expect(v).not.toBe('');
    expect(new Set(perVm.map((l) => l['vms.count'])).size).toBe(rows.length);
  });

  it('killed outright after its first row, a run leaves no long form of an earlier run beside its CSV', async () => {
    const f = scenario(
      'killed',
      'name: killed\nduration: 400 ms\nwarmup: 10 ms\ntraffic: {load: saturate}\npaths: [sriov]\nsweep:\n  vms.count: [1, 2, 3, 4, 5, 6, 7, 8]\n',
    );
    const out = join(dir, 'killed');
    mkdirSync(out, { recursive: true });
    const stale = join(out, 'killed.per_vm.csv');
    writeFileSync(stale, 'vms.count,scenario,path,vm,gbps\n99,killed,sriov,0,1\n');
    const r = await interrupt(['run', f, '--out', out, '--jobs', '1', '--quiet'], ['SIGKILL'], 0, () =>
      existsSync(join(out, 'killed.csv')),
    );
    expect(r.signal).toBe('SIGKILL');
    expect(existsSync(join(out, 'killed.csv'))).toBe(true);
    expect(existsSync(stale)).toBe(false);
  });

  it('SIGINT stops a single long row within a second (exit 130); a second one ends the process at once', async () => {
    // One cell simulating 60 s: minutes of work, stopped mid-run.
    const f = scenario('endless', 'name: endless\nduration: 60 s\ntraffic: {load: saturate}\npaths: [sriov]\n');
    // Once the run has begun (its first line on stderr) and 1 s has passed.
    const begun = (err: string) => /1 of 1 rows to compute/.test(err);
    const once = await interrupt(['run', f, '--out', join(dir, 'int')], ['SIGINT'], 1000, begun);
    expect(once.code, once.err).toBe(130);
    expect(once.tookMs).toBeLessThan(1000);
    expect(once.err).toMatch(/interrupted: none of 1 rows written .*; .*endless\.csv is as it was/);
    expect(existsSync(join(dir, 'int', 'endless.csv'))).toBe(false);
    const twice = await interrupt(['run', f, '--out', join(dir, 'int2')], ['SIGINT', 'SIGINT'], 1000, begun);
    // The first stop is itself quick, so the second signal may find the process already gone.
    expect(twice.err).toMatch(/SIGINT again: stopping at once|interrupted: none of 1 rows written/);
    expect(twice.code, twice.err).toBe(130);
    expect(twice.tookMs).toBeLessThan(1000);
  });
});
