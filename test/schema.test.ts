import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../src/scenario/reference.js';
import { planScenario } from '../src/scenario/plan.js';

/**
 * The JSON Schema editors use (scenario.schema.json, shipped in the package) is checked here
 * by a validator that knows nothing of iovsim: ajv, in strict mode, so a keyword it does not
 * know or a malformed pattern fails the compile. Only the annotation keywords the schema adds
 * for editors (x-type, x-unit, x-max, and VS Code's patternErrorMessage) are declared to it.
 */
const root = join(__dirname, '..');
const schema = JSON.parse(readFileSync(join(root, 'scenario.schema.json'), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv2020({
  strict: true,
  strictTypes: false,
  allErrors: true,
  keywords: ['x-type', 'x-unit', 'x-max', 'patternErrorMessage'],
});
const check = ajv.compile(schema);
const errorsOf = (data: unknown): string[] =>
  check(data) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      // scenarios/paths/ holds path files, not scenarios.
      if (statSync(p).isDirectory()) return f === 'paths' ? [] : scenarioFiles(p);
      return /\.(ya?ml|json)$/.test(f) ? [p] : [];
    });
}

describe('scenario.schema.json', () => {
  it('is the schema the code generates (npm run docs writes it)', () => {
    expect(schema).toEqual(scenarioJsonSchema());
  });

  const files = scenarioFiles(join(root, 'scenarios'));
  it('covers every shipped folder of scenarios, validation/ included', () => {
    for (const folder of ['published', 'experiments', 'validation'])
      expect(files.some((f) => f.includes(`/scenarios/${folder}/`))).toBe(true);
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  for (const file of files) {
    it(`accepts ${file.slice(root.length + 1)}`, () => {
      expect(errorsOf(parse(readFileSync(file, 'utf8')))).toEqual([]);
    });
  }

  it('accepts the catalog shorthands and $schema, as iovsim does', () => {
    const data = { $schema: './scenario.schema.json', host: 'opteron-8389x2', nic: 'intel-82598', paths: ['vmdq'] };
    expect(errorsOf(data)).toEqual([]);
    expect(() => planScenario(data, 'x.json')).not.toThrow();
  });

  const rejected: [string, unknown, RegExp][] = [
    ['a misspelt field', { traffic: { laod: '5 Gbit/s' } }, /\/traffic must NOT have additional properties/],
    ['a quantity in a unit iovsim does not know', { traffic: { load: '5 Gbps' } }, /\/traffic\/load must match/],
    ['a bare number for a duration', { duration: 200 }, /\/duration must be string/],
    ['a host not in the catalog', { host: 'opteron-9999' }, /\/host must be equal to one of the allowed values/],
    ['an out-of-range count', { vms: { count: 0 } }, /\/vms\/count must be >= 1/],
  ];
  for (const [what, data, message] of rejected) {
    it(`rejects ${what}, as iovsim does`, () => {
      expect(errorsOf(data).join('\n')).toMatch(message);
      expect(() => planScenario(data, 'x.yaml')).toThrow();
    });
  }

  it('carries help, units, ranges and defaults for hover', () => {
    const props = schema.properties as Record<string, Record<string, unknown>>;
    expect(props.duration).toMatchObject({ default: '100 ms', 'x-unit': 'ns', type: 'string' });
    expect(String(props.duration.description)).toMatch(/simulated time/);
    expect(String(props.duration.pattern)).toContain('ms');
    expect(props.duration['x-max']).toBe('3600 s');
    expect(String(props.duration.patternErrorMessage)).toMatch(/duration with a unit/);
    const vms = (props.vms.properties as Record<string, Record<string, unknown>>).count;
    expect(vms).toMatchObject({ type: 'integer', minimum: 1, maximum: 4096 });
  });
});
