import { createHash } from 'node:crypto';
import { dirname, resolve as resolvePath } from 'node:path';
import { InputError, InputErrors } from '../errors.js';
import { meanFrameBytes } from '../model/config.js';
import {
  describe,
  dotted,
  inputErrors,
  parseText,
  readScenarioBytes,
  readScenarioData,
  suggestion,
  validateScenario,
} from './load.js';
import { resolveScenario, type Experiment, type Overrides, type ResolveOptions } from './resolve.js';
import { fieldSchema, objectOf, pathFileSchema, scenarioSchema, type PathFile, type Scenario } from './schema.js';
import { checkBudget, DEFAULT_MAX_EVENTS, searchProbes, type BudgetItem } from './budget.js';
import { expandSweep, type Assignment, type SweepValue } from './sweep.js';

/** One point of a parameter study: the swept values and the experiment they make. */
export interface Point {
  index: number;
  assignment: Assignment;
  exp: Experiment;
}

/**
 * One unit of work, one row of output: a sweep point on one path (its replications inside),
 * or one search (a frame size and path for zero-loss, a path for capacity). Cells are what
 * `--shard` spreads and `--resume` matches.
 */
export interface Cell {
  /** Its place in the plan's cells: sweep points in order, paths fastest (searches: frame sizes, then paths). */
  index: number;
  /** The values that identify its row: the plan's key columns, then `path`. */
  key: Record<string, SweepValue>;
  /** The point it runs (a search's: the only point). */
  point: Point;
  /** Its path, as an index into point.exp.paths. */
  pathIndex: number;
  /** A zero-loss search's frame size. */
  frame?: number;
}

/** A scenario file made ready to run: every point validated and resolved before anything runs. */
export interface Plan {
  file: string;
  name: string;
  description: string;
  /** sha256 (hex) of the scenario file's bytes: what the run's provenance sidecar records. */
  hash: string;
  sweepKeys: string[];
  /** The columns besides `path` that identify a row: the swept fields, or a zero-loss search's frame_bytes. */
  keyColumns: string[];
  points: Point[];
  cells: Cell[];
  /** The scenario as read, for searches to change. */
  scenario: Scenario;
  /**
   * The experiment of the scenario after `change` (a search's probe). The plan has checked
   * the search's bounds, so a probe between them resolves; anything else is a bug.
   */
  at(change: (s: Scenario) => void, options?: ResolveOptions): Experiment;
}

/** Names the sweep in errors about a swept field, so the user knows which line to fix. */
function blameSweep(e: unknown, keys: string[], file: string): unknown {
  const fix = (x: InputError) => {
    x.file ??= file;
    if (keys.some((k) => x.fieldPath === k || x.fieldPath.startsWith(`${k}.`) || x.fieldPath.startsWith(`${k}[`)))
      x.fieldPath = `sweep.${x.fieldPath}`;
  };
  if (e instanceof InputError) fix(e);
  if (e instanceof InputErrors) e.errors.forEach(fix);
  return e;
}

function withFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError) e.file ??= file;
    if (e instanceof InputErrors) for (const x of e.errors) x.file ??= file;
    throw e;
  }
}

/**
 * A swept value checked against its field's own schema, in the field's typed form (a
 * quantity in base units): the point's scenario is then the base with that value set.
 */
function sweptValue(key: string, value: unknown, file: string): unknown {
  const schema = fieldSchema(key);
  if (!schema) {
    const top = Object.keys(objectOf(scenarioSchema)?.shape ?? {});
    throw new InputError(
      `sweep.${key}`,
      'a scenario field path such as traffic.load_per_vm or vms.count',
      `"${key}"${suggestion(key, top)}`,
      file,
    );
  }
  const r = schema.safeParse(value);
  if (!r.success) throw inputErrors(r.error.issues, value, file, ['sweep', key]);
  return r.data;
}

/** Sets the dotted field `key` of a copy of `s`; its enclosing block must exist. */
function setField(s: Scenario, key: string, value: unknown, file: string): Scenario {
  const copy = structuredClone(s);
  const parts = key.split('.');
  let obj = copy as unknown as Record<string, unknown>;
  for (const [i, p] of parts.slice(0, -1).entries()) {
    const next = obj[p];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      throw new InputError(
        `sweep.${key}`,
        `a field whose block (${parts.slice(0, i + 1).join('.')}) the scenario sets`,
        describe(next),
        file,
      );
    }
    obj = next as Record<string, unknown>;
  }
  obj[parts[parts.length - 1]] = value;
  return copy;
}

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Reads, validates and resolves a scenario file and every point of its study. */
export function planFile(file: string, overrides: Overrides = {}): Plan {
  return withFile(file, () => {
    const bytes = readScenarioBytes(file);
    return planScenario(parseText(file, bytes.toString('utf8')), file, overrides, true, sha256(bytes));
  });
}

/**
 * Validates and resolves scenario data (as read from `file`) and every point of its study.
 * `hash` is that of the file's bytes; data not read from a file is hashed as JSON.
 */
export function planScenario(
  raw: unknown,
  file: string,
  overrides: Overrides = {},
  checkOthers = true,
  hash = sha256(JSON.stringify(raw) ?? ''),
): Plan {
  const base = validateScenario(raw, file);
  if (base.search && base.sweep)
    throw new InputError('search', 'a search or a sweep in one scenario, not both', 'both', file);
  const pathFiles = loadPathFiles(base, file);
  const sweepKeys = Object.keys(base.sweep ?? {});
  const typed = new Map<string, Map<unknown, unknown>>();
  const pointScenario = (assignment: Assignment): Scenario =>
    Object.entries(assignment).reduce((s, [k, v]) => {
      let values = typed.get(k);
      if (!values) typed.set(k, (values = new Map()));
      if (!values.has(v)) values.set(v, sweptValue(k, v, file));
      return setField(s, k, values.get(v), file);
    }, base);
  const resolveAt = (s: Scenario, keys: string[], options?: ResolveOptions) => {
    try {
      return resolveScenario(s, overrides, { ...options, pathFiles });
    } catch (e) {
      throw blameSweep(e, keys, file);
    }
  };
  const assignments = withFile(file, () => expandSweep(base.sweep, base.sweep_mode));
  // A capacity search over the VM count stops each path at its NIC's limit itself.
  const searchesVms = base.search?.kind === 'capacity' && base.search.vary === 'vms.count';
  const points = assignments.map((assignment, index) => ({
    index,
    assignment,
    exp: resolveAt(pointScenario(assignment), sweepKeys, { nicLimits: !searchesVms }),
  }));
  const at = (change: (s: Scenario) => void, options?: ResolveOptions): Experiment => {
    const s = structuredClone(base);
    change(s);
    return resolveAt(s, [], options);
  };
  const { keyColumns, cells } = cellsOf(base, sweepKeys, points);
  const plan: Plan = {
    file,
    name: base.name,
    description: base.description ?? '',
    // A path file the scenario names is part of what it means.
    hash: pathFiles.size === 0 ? hash : sha256(hash + JSON.stringify([...pathFiles])),
    sweepKeys,
    keyColumns,
    points,
    cells,
    scenario: base,
    at,
  };
  withFile(file, () => checkSearchBounds(plan));
  withFile(file, () => checkBudget(budgetItems(plan), overrides.maxEvents ?? DEFAULT_MAX_EVENTS));
  if (checkOthers) checkClaimFiles(plan, overrides);
  return plan;
}

/**
 * The path files the scenario's custom paths start from, read relative to the scenario and
 * checked against the path file schema; an error names the path file and its field.
 */
function loadPathFiles(s: Scenario, file: string): Map<string, PathFile> {
  const out = new Map<string, PathFile>();
  for (const [name, custom] of Object.entries(s.custom_paths)) {
    if (custom.file === undefined) continue;
    const pathFile = resolvePath(dirname(file), custom.file);
    let raw: unknown;
    try {
      raw = readScenarioData(pathFile);
    } catch (e) {
      const why = e instanceof InputError ? `${e.found}` : String(e);
      throw new InputError(
        `custom_paths.${name}.file`,
        'a readable path file (.yaml, .yml or .json), relative to the scenario',
        `${custom.file} (${why})`,
        file,
      );
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new InputError('', 'a path (a mapping with description, nic_sorting, rx, tx)', describe(raw), pathFile);
    const r = pathFileSchema.safeParse(raw);
    if (!r.success) throw inputErrors(r.error.issues, raw, pathFile);
    out.set(name, r.data);
  }
  return out;
}

/** The cells of a study, in output order, and the columns besides `path` that tell their rows apart. */
function cellsOf(base: Scenario, sweepKeys: string[], points: Point[]): { keyColumns: string[]; cells: Cell[] } {
  const search = base.search;
  const first = points[0];
  const cells: Cell[] = [];
  const add = (c: Omit<Cell, 'index'>) => cells.push({ index: cells.length, ...c });
  if (search?.kind === 'zero-loss') {
    const frames = search.frame_sizes ?? [Math.round(meanFrameBytes(first.exp.config.traffic.perVm[0].frames))];
    for (const frame of frames)
      first.exp.paths.forEach((p, pathIndex) =>
        add({ key: { frame_bytes: frame, path: p.name }, point: first, pathIndex, frame }),
      );
    return { keyColumns: ['frame_bytes'], cells };
  }
  if (search?.kind === 'capacity') {
    first.exp.paths.forEach((p, pathIndex) => add({ key: { path: p.name }, point: first, pathIndex }));
    return { keyColumns: [], cells };
  }
  for (const point of points)
    point.exp.paths.forEach((p, pathIndex) => add({ key: { ...point.assignment, path: p.name }, point, pathIndex }));
  return { keyColumns: sweepKeys, cells };
}

/** Both ends of a capacity search must resolve, so every probe between them does. */
function checkSearchBounds(plan: Plan): void {
  const search = plan.scenario.search;
  if (search?.kind !== 'capacity') return;
  for (const bound of [search.from, search.to]) {
    if (typeof bound === 'number') plan.at((s) => (s.vms.count = bound), { nicLimits: false });
    else if ('requestsPerSec' in bound) plan.at((s) => (s.traffic.request_response.rate_per_vm = bound.requestsPerSec));
    else plan.at((s) => (s.traffic.load_per_vm = bound));
  }
}

/** The runs a plan will make, for the work budget: each point once, or a search's probes at its heaviest end. */
function budgetItems(plan: Plan): BudgetItem[] {
  const search = plan.scenario.search;
  if (!search) return plan.points.map((p) => ({ exp: p.exp, runs: 1 }));
  const base = plan.points[0].exp;
  if (search.kind === 'zero-loss') {
    const frames = search.frame_sizes ?? [Math.min(...base.config.traffic.perVm.flatMap((v) => v.frames.bytes))];
    const fps = (base.config.nic.lineRateGbps * 1e9) / ((Math.min(...frames) + 20) * 8);
    return [{ exp: base, runs: searchProbes(0, 1, search.resolution, false) * frames.length, fps }];
  }
  const to = search.to;
  const top =
    typeof to === 'number'
      ? plan.at((s) => (s.vms.count = to), { nicLimits: false })
      : 'requestsPerSec' in to
        ? plan.at((s) => (s.traffic.request_response.rate_per_vm = to.requestsPerSec))
        : plan.at((s) => (s.traffic.load_per_vm = to));
  const value = (b: typeof to) =>
    typeof b === 'number'
      ? b
      : 'requestsPerSec' in b
        ? b.requestsPerSec
        : 'bitsPerSec' in b
          ? b.bitsPerSec
          : b.packetsPerSec;
  const lo = value(search.from);
  const hi = value(to);
  const resolution = search.resolution ? value(search.resolution) : typeof to === 'number' ? 1 : (hi - lo) / 100;
  return [{ exp: top, runs: searchProbes(lo, hi, resolution, typeof to === 'number') }];
}

/** A `lower-than` claim names another scenario file: it must plan too, and run the claim's path. */
function checkClaimFiles(plan: Plan, overrides: Overrides): void {
  plan.scenario.reference?.claims.forEach((c, i) => {
    if (c.kind !== 'lower-than') return;
    const other = resolvePath(dirname(plan.file), c.than);
    let otherPlan: Plan;
    try {
      otherPlan = withFile(other, () => planScenario(readScenarioData(other), other, overrides, false));
    } catch (e) {
      const why =
        e instanceof InputError ? e.describe() : e instanceof InputErrors ? e.errors[0].describe() : String(e);
      throw new InputError(
        `reference.claims[${i}].than`,
        'a valid scenario file, relative to this one',
        `${c.than} (${why})`,
        plan.file,
      );
    }
    const paths = otherPlan.points[0].exp.paths.map((p) => p.name);
    if (!paths.includes(c.path)) {
      throw new InputError(
        `reference.claims[${i}].than`,
        `a scenario that runs path "${c.path}"`,
        `${c.than}, which runs ${paths.join(', ')}`,
        plan.file,
      );
    }
  });
}

export { dotted };
