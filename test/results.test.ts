import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './support/cli.js';

/** The committed CSVs must be what the committed scenarios produce now (regenerate with `npm run results`). */
describe('committed results match their scenarios', () => {
  const root = join(__dirname, '..');
  const cases: [string, string][] = [
    ['scenarios/quickstart.yaml', 'results/quickstart.csv'],
    ...readdirSync(join(root, 'scenarios/published'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f): [string, string] => [`scenarios/published/${f}`, `results/published/${f.replace(/\.yaml$/, '.csv')}`]),
    ...readdirSync(join(root, 'scenarios/experiments'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f): [string, string] => [
        `scenarios/experiments/${f}`,
        `results/experiments/${f.replace(/\.yaml$/, '.csv')}`,
      ]),
  ];

  for (const [scenario, csv] of cases) {
    it(scenario, async () => {
      const out = mkdtempSync(join(tmpdir(), 'iovsim-results-'));
      const r = await cli(['run', join(root, scenario), '--out', out, '--quiet', '--format', 'csv']);
      expect(r.code).toBe(0);
      const produced = readFileSync(join(out, csv.split('/').pop()!), 'utf8');
      expect(produced).toBe(readFileSync(join(root, csv), 'utf8'));
    });
  }
});
