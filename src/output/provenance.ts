import { readFileSync } from 'node:fs';
import type { Row } from '../metrics/metrics.js';

/**
 * What produced a set of result rows. One record per scenario run; the JSON envelope of
 * `run --format json`, the library's `simulate` and the HTML report all show this record,
 * so a field added here reaches all of them.
 */
export interface Provenance {
  /** iovsim's version (package.json). */
  iovsim: string;
  /** The Node.js version that ran it. */
  node: string;
  /** The scenario as given: its file (or `<stdin>`, or `<data>` from the library) and the SHA-256 of its content (with any path files it names). */
  scenario: { file: string; name: string; sha256: string };
  /** The run seed after --seed; replications derive theirs from it (docs/experiments.md). */
  seed: number;
}

let cachedVersion: string | undefined;

/** iovsim's version, from the package.json two folders up (from src/output, dist/output or dist/bundle), in the repository and in the package. */
export function iovsimVersion(): string {
  cachedVersion ??= (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  return cachedVersion;
}

/** The provenance record of a run of the scenario read from `file`, named `name`, whose content hashes to `hash` (the plan's), with `seed`. */
export function provenanceOf(file: string, name: string, hash: string, seed: number): Provenance {
  return { iovsim: iovsimVersion(), node: process.version, scenario: { file, name, sha256: hash }, seed };
}

/** One scenario's rows with what produced them. */
export interface ResultSet {
  provenance: Provenance;
  rows: Row[];
}

/** What `run --format json` prints: every scenario's rows, each with its provenance. */
export function resultsJson(sets: ResultSet[]): string {
  return JSON.stringify({ results: sets }, null, 2) + '\n';
}
