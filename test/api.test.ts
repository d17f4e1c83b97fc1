import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { columns, InputError, runFile, schema, simulate, validate, validateFile, type Scenario } from '../src/index.js';
import { cli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'iovsim-api-'));
const SCENARIO: Scenario = {
  name: 'api',
  duration: '10 ms',
  warmup: '1 ms',
  vms: { count: 2 },
  traffic: { load: '4 Gbit/s', arrivals: 'poisson' },
  paths: ['sriov', 'paravirtual'],
};

describe('the library API (src/index.ts, the package entry point)', () => {
  it('simulate gives the rows iovsim run writes, and their provenance', async () => {
    const f = join(dir, 'api.json');
    writeFileSync(f, JSON.stringify(SCENARIO));
    const r = await cli(['run', f, '--no-write', '--format', 'csv', '--seed', '7']);
    expect(r.code, r.err).toBe(0);
    const fromCli = parse(r.out, { columns: true, cast: true }) as Record<string, unknown>[];
    const result = await simulate(SCENARIO, { seed: 7 });
    expect(result.name).toBe('api');
    // The CSV leaves a cell empty where a row has no such column (a hop another path has).
    expect(result.rows).toEqual(
      fromCli.map((row) => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== ''))),
    );
    expect(result.provenance).toMatchObject({ scenario: { file: '<data>', name: 'api' }, seed: 7 });
    expect(result.provenance.node).toBe(process.version);
    const again = await runFile(f, { seed: 7 });
    expect(again.rows).toEqual(result.rows);
    expect(again.provenance.scenario.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes YAML text, runs sweeps on worker threads with the same rows, and reports progress', async () => {
    const yaml = 'duration: 10 ms\nwarmup: 1 ms\npaths: [sriov]\nsweep: {vms.count: [1, 2, 3]}\n';
    const seen: string[] = [];
    const one = await simulate(yaml, { onProgress: (p) => seen.push(`${p.done}/${p.total}`) });
    expect(one.name).toBe('scenario');
    expect(one.sweep).toEqual(['vms.count']);
    expect(one.rows.map((r) => r['vms.count'])).toEqual([1, 2, 3]);
    expect(seen).toEqual(['0/3', '1/3', '2/3', '3/3']);
    const two = await simulate(yaml, { jobs: 2 });
    expect(two.rows).toEqual(one.rows);
  });

  it('an aborted signal stops the run and rejects with its reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(simulate(SCENARIO, { signal: controller.signal })).rejects.toThrow('stop');
    const later = new AbortController();
    const sweep = { ...SCENARIO, paths: ['sriov'], sweep: { 'vms.count': [1, 2, 3, 4, 5, 6] } };
    const run = simulate(sweep, {
      signal: later.signal,
      onProgress: (p) => p.done === 1 && later.abort(new Error('enough')),
    });
    await expect(run).rejects.toThrow('enough');
  });

  it('bad input throws InputError with the CLI one-line message; validate returns it instead', async () => {
    const bad = { traffic: { load: '5 Gbps' } } as unknown as Scenario;
    await expect(simulate(bad)).rejects.toBeInstanceOf(InputError);
    const v = validate(bad);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.errors).toHaveLength(1);
      expect(v.errors[0]).toMatchObject({ field: 'traffic.load', found: '"5 Gbps"' });
      expect(v.errors[0].message).toMatch(/^<data>: traffic\.load: expected a non-negative rate/);
    }
    expect(validate(SCENARIO)).toEqual({ ok: true });
    expect(validate('vms: {count: 0}\n').ok).toBe(false);
    const missing = validateFile(join(dir, 'none.yaml'));
    expect(missing.ok).toBe(false);
    expect(validateFile(join(__dirname, '..', 'scenarios', 'quickstart.yaml'))).toEqual({ ok: true });
  });

  it('exports the JSON Schema and the column declarations', () => {
    expect(schema).toEqual(JSON.parse(readFileSync(join(__dirname, '..', 'scenario.schema.json'), 'utf8')));
    expect(columns.find((c) => c.name === 'delivered_gbps')).toMatchObject({ unit: 'Gbit/s' });
  });
});
