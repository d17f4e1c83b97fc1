import type { Plan } from '../scenario/plan.js';
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
  return withListPerLine(ordered, 'rows');
}

/**
 * `o` as indented JSON whose last field `list` (an array) has one entry per line: readable,
 * and diffs show which entries changed.
 */
function withListPerLine(o: Record<string, unknown>, list: string): string {
  const items = o[list] as unknown[];
  const head = JSON.stringify({ ...o, [list]: [] }, null, 2).replace(new RegExp(`\\n {2}"${list}": \\[\\]\\n\\}$`), '');
  const lines = items.map((r) => `    ${JSON.stringify(r)}`).join(',\n');
  return `${head}\n  "${list}": [${lines ? `\n${lines}\n  ` : ''}]\n}\n`;
}

/** The sidecar format of a file made from several scenarios (`compare`, `verify`). */
export const STUDY_META_FORMAT = 'iovsim-study/1';

/** What one scenario behind a study file was: its file, name, content hash and seed. */
export interface StudyScenario {
  file: string;
  name: string;
  sha256: string;
  seed: number;
}

/**
 * The provenance sidecar of a file `compare` or `verify` wrote from several scenarios: the
 * command, iovsim's and Node's versions, what the command line changed, and each scenario
 * with its content hash and seed. No date, so the same run gives the same file.
 */
export function studyMetaText(m: {
  command: string;
  iovsim: string;
  node: string;
  overrides: { duration_ns?: number };
  scenarios: StudyScenario[];
}): string {
  return withListPerLine(
    {
      format: STUDY_META_FORMAT,
      command: m.command,
      iovsim: m.iovsim,
      node: m.node,
      overrides: m.overrides.duration_ns !== undefined ? { duration_ns: m.overrides.duration_ns } : {},
      scenarios: m.scenarios.map((s) => ({ file: s.file, name: s.name, sha256: s.sha256, seed: s.seed })),
    },
    'scenarios',
  );
}

/** A plan's entry in a study sidecar, under `file` (as the user gave it, unless told otherwise). */
export const studyScenarioOf = (plan: Plan, file = plan.file): StudyScenario => ({
  file,
  name: plan.name,
  sha256: plan.hash,
  seed: plan.points[0].exp.config.seed,
});
