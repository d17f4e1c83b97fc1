import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readScenarioData } from '../src/scenario/load.js';
import { cli } from './support/cli.js';

/**
 * Random mutations of the committed scenarios: a leaf replaced by an arbitrary JSON value, a
 * field deleted, a key renamed, a block replaced. Whatever comes out, iovsim validates it
 * and runs it briefly without hanging or crashing: exit 0 (it was still valid) or 2 (one
 * line naming the file, no stack trace), never 1.
 */
const root = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'iovsim-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files = ['scenarios', 'scenarios/experiments', 'scenarios/modern', 'scenarios/published']
  .flatMap((d) =>
    readdirSync(join(root, d))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => join(root, d, f)),
  )
  // Files that name other files (claims, path files) would be checked against files the fuzz does not copy.
  .filter((f) => !/r3-|custom-paths/.test(f));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value in `v`, as keys. */
function paths(v: Json, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

function mutate(v: Json, at: (string | number)[], op: 'replace' | 'delete' | 'rename', value: Json): Json {
  if (at.length === 0) return op === 'replace' ? value : v;
  const copy = structuredClone(v) as Record<string | number, Json>;
  let parent = copy;
  for (const k of at.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
  const last = at[at.length - 1];
  if (op === 'replace') parent[last] = value;
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (op === 'delete') delete parent[last];
  else {
    parent[`${String(last)}x`] = parent[last];
    delete parent[last];
  }
  return copy;
}

const anyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1e308, 1e-300, '', 'x', '5 Gbps', '1e400 s', '-5 ms', [], {}),
  fc.double({ noNaN: false }),
  fc.integer(),
  fc.string({ maxLength: 12 }),
  fc.constantFrom<Json>('auto', 'saturate', '10 Gbit/s', '1 ms', 'imix', 'native', 'sriov', 'poisson'),
);

describe('random mutations of valid scenarios never hang or crash', () => {
  it('validate and a short run exit 0 or 2, one line on a refusal', async () => {
    const seen = { valid: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...files),
        fc.nat(),
        fc.constantFrom('replace', 'delete', 'rename' as const),
        anyValue,
        async (file, pick, op, value) => {
          const data = readScenarioData(file) as Json;
          const all = paths(data).filter((p) => p.length > 0);
          const target = all[pick % all.length];
          const mutated = mutate(data, target, op as 'replace' | 'delete' | 'rename', value);
          const f = join(dir, `m-${pick}.json`);
          writeFileSync(f, JSON.stringify(mutated));
          const v = await cli(['validate', f]);
          expect([0, 2], v.err).toContain(v.code);
          expect(v.err).not.toMatch(/\n\s+at |internal error/);
          if (v.code === 2) {
            seen.refused++;
            expect(
              v.err
                .trimEnd()
                .split('\n')
                .every((l) => l.startsWith(`iovsim: ${f}`)),
            ).toBe(true);
            return;
          }
          seen.valid++;
          // Still valid: it must also run, briefly, to the end.
          const r = await cli([
            'run',
            f,
            '--duration',
            '2 ms',
            '--out',
            join(dir, 'out'),
            '--quiet',
            '--format',
            'csv',
          ]);
          expect([0, 2], r.err).toContain(r.code);
          expect(r.err).not.toMatch(/\n\s+at |internal error/);
        },
      ),
      { numRuns: 200, seed: 11 },
    );
    // Both outcomes must have been exercised, or the property says little.
    expect(seen.valid).toBeGreaterThan(5);
    expect(seen.refused).toBeGreaterThan(5);
  }, 120_000);
});
