import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers, lowest first: a module may import its own folder and the layers below it,
 * never one beside or above it. Data flows one way: file -> scenario -> model -> results ->
 * output. (The engine and statistics know nothing of networks; the model nothing of files;
 * output nothing of how experiments run.)
 */
const LAYERS: string[][] = [
  ['errors.ts', 'types'],
  ['engine', 'stats'],
  ['model'],
  ['metrics'],
  ['scenario'],
  ['output'],
  ['experiment', 'report'],
  ['cli', 'bench', 'docs', 'studio'],
  ['index.ts'],
];

const src = fileURLToPath(new URL('../src/', import.meta.url));
const rank = (unit: string): number => LAYERS.findIndex((l) => l.includes(unit));
const unitOf = (file: string): string => relative(src, file).split('/')[0];
/** An import from `from` to `to` breaks the layering: it goes up, or across to a sibling. */
const upward = (from: string, to: string): boolean => to !== from && !(rank(to) < rank(from));
const SPECIFIER = /(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of a source file, static and dynamic, resolved to files under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(SPECIFIER)].map((m) => resolve(dirname(file), m[1]));
}

describe('layers', () => {
  const all = files(src);

  it('every source file belongs to a declared layer', () => {
    for (const f of all) expect(rank(unitOf(f)), relative(src, f)).toBeGreaterThanOrEqual(0);
  });

  it('no import runs from a lower layer to a higher one, or across a layer', () => {
    const bad: string[] = [];
    for (const f of all) {
      const from = unitOf(f);
      for (const target of importsOf(f))
        if (upward(from, unitOf(target))) bad.push(`${relative(src, f)} -> ${relative(src, target)}`);
    }
    expect(bad).toEqual([]);
  });

  it('the check has teeth: it finds static and dynamic imports, and flags up and across', () => {
    const text = "import { x } from '../scenario/schema.js';\nconst y = await import('../experiment/runner.js');";
    expect([...text.matchAll(SPECIFIER)].map((m) => m[1])).toEqual([
      '../scenario/schema.js',
      '../experiment/runner.js',
    ]);
    expect(upward('model', 'scenario')).toBe(true);
    expect(upward('output', 'experiment')).toBe(true);
    expect(upward('report', 'experiment')).toBe(true);
    expect(upward('scenario', 'model')).toBe(false);
    expect(upward('cli', 'experiment')).toBe(false);
  });
});
