import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED, GENERATED_FILES, renderedPages, withSection } from '../src/docs/generate.js';

describe('generated docs', () => {
  // Rendered by the first test that needs them, not while the tests are collected: a renderer
  // that throws then fails a test (mutation testing counts failed tests, not files that fail to load).
  let pages: Map<string, string> | undefined;
  const rendered = (file: string) => (pages ??= renderedPages()).get(file);
  const files = [...new Set([...GENERATED_FILES, ...GENERATED].map((g) => g.file))];
  for (const file of files) {
    it(`${file} is what the declarations render (run npm run docs after changing them)`, () => {
      expect(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')).toBe(rendered(file));
    });
  }

  it('every generated section has its markers, and a stale section is found', () => {
    for (const g of GENERATED) {
      const page = readFileSync(new URL(`../${g.file}`, import.meta.url), 'utf8');
      expect(withSection(page, g.name, g.render())).toBe(page);
      expect(withSection(page, g.name, 'stale')).not.toBe(page);
    }
  });
});
