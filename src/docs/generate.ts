import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../errors.js';
import { columnReference } from '../metrics/reference.js';
import { catalogTable } from '../model/catalog.js';
import { costTable } from '../model/costs.js';
import { platformFits, platformTable } from '../model/platforms.js';
import { fieldReference, scenarioJsonSchema } from '../scenario/reference.js';
import { quantityTable } from '../scenario/units.js';

/**
 * The parts of the docs that are rendered from declarations in the code: each sits in its
 * page between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`. `npm run docs`
 * rewrites them; a test fails when a committed page differs from what the code renders.
 */
export const GENERATED: { file: string; name: string; render: () => string }[] = [
  { file: 'docs/scenarios.md', name: 'quantities', render: quantityTable },
  { file: 'docs/scenarios.md', name: 'fields', render: fieldReference },
  { file: 'docs/scenarios.md', name: 'catalogs', render: catalogTable },
  { file: 'docs/scenarios.md', name: 'columns', render: columnReference },
  { file: 'docs/model.md', name: 'costs', render: costTable },
  { file: 'docs/platforms.md', name: 'platforms', render: platformTable },
  { file: 'docs/platforms.md', name: 'platform-fits', render: platformFits },
  { file: 'README.md', name: 'exit-codes', render: exitCodeList },
];

/** The exit codes, from their one declaration (src/errors.ts), as the README lists them. */
function exitCodeList(): string {
  return Object.values(EXIT)
    .map((e) => `- \`${e.code}\` ${e.help}`)
    .join('\n');
}

const root = fileURLToPath(new URL('../../', import.meta.url));

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
