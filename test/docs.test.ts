import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED, renderedPages, withSection } from '../src/docs/generate.js';

describe('generated docs', () => {
  for (const [file, text] of renderedPages()) {
    it(`${file} is what the declarations render (run npm run docs after changing them)`, () => {
      expect(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')).toBe(text);
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
