import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './support/cli.js';

/** The committed CSVs must be what the committed scenarios produce now (regenerate with `npm run results`). */
describe('committed results match their scenarios', () => {
  const root = join(__dirname, '..');
  const cases: [string, string][] = [
    ['scenarios/quickstart.yaml', 'results/quickstart.csv'],
    ...['published', 'experiments', 'modern'].flatMap((dir) =>
      readdirSync(join(root, 'scenarios', dir))
        .filter((f) => f.endsWith('.yaml'))
        .map((f): [string, string] => [`scenarios/${dir}/${f}`, `results/${dir}/${f.replace(/\.yaml$/, '.csv')}`]),
    ),
  ];

  for (const [scenario, csv] of cases) {
    it(scenario, async () => {
      const out = mkdtempSync(join(tmpdir(), 'iovsim-results-'));
      const r = await cli(['run', join(root, scenario), '--out', out, '--quiet', '--format', 'csv']);
      expect(r.code).toBe(0);
      const produced = readFileSync(join(out, csv.split('/').pop()!), 'utf8');
      rmSync(out, { recursive: true, force: true });
      expect(produced).toBe(readFileSync(join(root, csv), 'utf8'));
    });
  }
});
