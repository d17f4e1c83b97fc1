import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../errors.js';
import { columnReference } from '../metrics/reference.js';
import { catalogTable } from '../model/catalog.js';
import { costTable } from '../model/costs.js';
import { BUILTIN_PATHS } from '../model/paths.js';
import { pathsText } from '../output/paths.js';
import { platformFits, platformTable } from '../model/platforms.js';
import { fieldReference, scenarioJsonSchema } from '../scenario/reference.js';
import { quantityTable } from '../scenario/units.js';
import { limitsTable } from '../scenario/budget.js';
import { MAX_SCENARIO_BYTES } from '../scenario/load.js';
import { MAX_EVENTS_LIMIT, MAX_SEED } from '../scenario/overrides.js';
import { MAX_SWEEP_POINTS } from '../scenario/sweep.js';
import { pathsSummary, publishedTable, resultTable, sensitivityTable } from './results.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The parts of the docs that are rendered from declarations in the code, or from the
 * committed results (tables of docs/experiments.md and README): each sits in its page between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`. `npm run docs`
 * rewrites them; a test fails when a committed page differs from what the code renders.
 */
export const GENERATED: { file: string; name: string; render: () => string }[] = [
  { file: 'docs/scenarios.md', name: 'quantities', render: quantityTable },
  {
    file: 'docs/scenarios.md',
    name: 'limits',
    render: () =>
      limitsTable({
        scenarioBytes: MAX_SCENARIO_BYTES,
        sweepPoints: MAX_SWEEP_POINTS,
        seed: MAX_SEED,
        maxEventsLimit: MAX_EVENTS_LIMIT,
      }),
  },
  { file: 'docs/scenarios.md', name: 'fields', render: fieldReference },
  { file: 'docs/scenarios.md', name: 'catalogs', render: catalogTable },
  { file: 'docs/scenarios.md', name: 'columns', render: columnReference },
  { file: 'docs/model.md', name: 'paths', render: () => '```\n' + pathsText(BUILTIN_PATHS).trimEnd() + '\n```\n' },
  { file: 'docs/model.md', name: 'costs', render: costTable },
  { file: 'docs/platforms.md', name: 'platforms', render: platformTable },
  { file: 'docs/platforms.md', name: 'platform-fits', render: platformFits },
  { file: 'docs/calibration.md', name: 'comparison', render: () => publishedTable(root, 'results/published.csv') },
  { file: 'docs/calibration.md', name: 'sensitivity', render: () => sensitivityTable(root, 'results/sensitivity.csv') },
  { file: 'README.md', name: 'modern-25g', render: () => pathsSummary(root, 'results/modern/paths-25g-rx.csv') },
  { file: 'README.md', name: 'modern-100g', render: () => pathsSummary(root, 'results/modern/one-vm-100g-rx.csv') },
  {
    file: 'README.md',
    name: 'quickstart',
    render: () => resultTable(root, 'scenarios/quickstart.yaml', 'results/quickstart.csv'),
  },
  { file: 'README.md', name: 'published', render: () => publishedTable(root, 'results/published.csv') },
  ...(
    [
      ['vm-count-sweep', { command: true, head: 3, tail: 2 }],
      ['rfc2544-zero-loss', { head: 5, tail: 3 }],
      ['capacity-1gbps-vms', {}],
      ['capacity-2gbps-p99-100us', {}],
    ] as const
  ).map(([name, o]) => ({
    file: 'docs/experiments.md',
    name,
    render: () => resultTable(root, `scenarios/experiments/${name}.yaml`, `results/experiments/${name}.csv`, o),
  })),
  { file: 'README.md', name: 'exit-codes', render: exitCodeList },
];

/** The exit codes, from their one declaration (src/errors.ts), as the README lists them. */
function exitCodeList(): string {
  return Object.values(EXIT)
    .map((e) => `- \`${e.code}\` ${e.help}`)
    .join('\n');
}

const markers = (name: string) => [`<!-- generated:${name} -->`, `<!-- /generated:${name} -->`] as const;

/** The page with its generated section `name` replaced by `body`. */
export function withSection(page: string, name: string, body: string): string {
  const [open, close] = markers(name);
  const a = page.indexOf(open);
  const b = page.indexOf(close);
  if (a < 0 || b < a) throw new Error(`no ${open} ... ${close} in the page`);
  return `${page.slice(0, a + open.length)}\n${body.trimEnd()}\n${page.slice(b)}`;
}

/** Files generated whole: the JSON Schema for editors, shipped with the package. */
export const GENERATED_FILES: { file: string; render: () => string }[] = [
  { file: 'scenario.schema.json', render: () => JSON.stringify(scenarioJsonSchema(), null, 2) + '\n' },
];

/** The docs pages and generated files as the code renders them: file to text. */
export function renderedPages(): Map<string, string> {
  const pages = new Map<string, string>();
  for (const g of GENERATED_FILES) pages.set(g.file, g.render());
  for (const g of GENERATED) {
    const page = pages.get(g.file) ?? readFileSync(root + g.file, 'utf8');
    pages.set(g.file, withSection(page, g.name, g.render()));
  }
  return pages;
}

/** Writes every page whose generated sections changed; returns the files written. */
export function writeDocs(): string[] {
  const written: string[] = [];
  for (const [file, text] of renderedPages()) {
    if (!existsSync(root + file) || readFileSync(root + file, 'utf8') !== text) {
      writeFileSync(root + file, text);
      written.push(file);
    }
  }
  return written;
}
