import type { MetaRow, RunMeta } from '../scenario/provenance.js';

/**
 * A run's provenance sidecar as text: its fields always in one order, so that the sidecar
 * `iovsim merge` writes is the one an unsharded run writes, byte for byte. It holds no date:
 * the same run gives the same file.
 */
export function metaText(m: RunMeta): string {
  const row = (r: MetaRow) => ({
    cell: r.cell,
    key: r.key,
    seeds: r.seeds,
    digest: r.digest,
    ...(r.unverified ? { unverified: true } : {}),
  });
  const ordered = {
    format: m.format,
    iovsim: m.iovsim,
    node: m.node,
    scenario: { file: m.scenario.file, name: m.scenario.name, sha256: m.scenario.sha256 },
    seed: m.seed,
    overrides: {
      ...(m.overrides.seed !== undefined ? { seed: m.overrides.seed } : {}),
      ...(m.overrides.modes !== undefined ? { modes: m.overrides.modes } : {}),
      ...(m.overrides.duration_ns !== undefined ? { duration_ns: m.overrides.duration_ns } : {}),
    },
    cells: m.cells,
    ...(m.shard ? { shard: { index: m.shard.index, count: m.shard.count } } : {}),
    rows: m.rows.map(row),
  };
  // One row per line: readable, and diffs show which rows changed.
  const head = JSON.stringify({ ...ordered, rows: [] }, null, 2).replace(/\n {2}"rows": \[\]\n\}$/, '');
  const rows = ordered.rows.map((r) => `    ${JSON.stringify(r)}`).join(',\n');
  return `${head}\n  "rows": [${rows ? `\n${rows}\n  ` : ''}]\n}\n`;
}
