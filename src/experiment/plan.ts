import { InputError, InputErrors } from '../errors.js';
import { checkNicLimits, checkSaturatingEntry } from '../model/network.js';
import { readScenarioData, validateScenario } from '../scenario/load.js';
import { resolveScenario, type Experiment, type Overrides } from '../scenario/resolve.js';
import { expandSweep, withField, type Assignment } from './sweep.js';

/** One point of a parameter study: the swept values and the experiment they make. */
export interface Point {
  index: number;
  assignment: Assignment;
  exp: Experiment;
}

/** A scenario file made ready to run: every point validated and resolved before anything runs. */
export interface Plan {
  file: string;
  name: string;
  description: string;
  sweepKeys: string[];
  points: Point[];
  /** Builds (and validates) the experiment for other field values, for searches. */
  experimentAt(assignment: Assignment): Experiment;
}

/** Names the sweep in errors about a swept field, so the user knows which line to fix. */
function blameSweep(e: unknown, keys: string[], file: string): unknown {
  const fix = (x: InputError) => {
    x.file ??= file;
    if (keys.some((k) => x.fieldPath === k || x.fieldPath.startsWith(`${k}.`))) x.fieldPath = `sweep.${x.fieldPath}`;
  };
  if (e instanceof InputError) fix(e);
  if (e instanceof InputErrors) e.errors.forEach(fix);
  return e;
}

export function planFile(file: string, overrides: Overrides = {}): Plan {
  const raw = readScenarioData(file);
  const base = validateScenario(raw, file);
  const data = { ...(raw as Record<string, unknown>) };
  delete data.sweep;
  delete data.sweep_mode;
  const sweepKeys = Object.keys(base.sweep ?? {});
  // A capacity search over the VM count stops each path at its NIC's limit itself.
  const searchesVms = base.search?.kind === 'capacity' && base.search.vary === 'vms.count';
  const experimentAt = (assignment: Assignment): Experiment => {
    try {
      const pointData = Object.entries(assignment).reduce<unknown>((d, [k, v]) => withField(d, k, v), data);
      const exp = resolveScenario({ ...validateScenario(pointData, file), name: base.name }, overrides);
      for (const p of exp.paths) {
        if (!searchesVms) checkNicLimits(exp.config, p);
        checkSaturatingEntry(exp.config, p);
      }
      return exp;
    } catch (e) {
      throw blameSweep(e, [...sweepKeys, ...Object.keys(assignment)], file);
    }
  };
  let assignments: Assignment[];
  try {
    assignments = expandSweep(base.sweep, base.sweep_mode);
  } catch (e) {
    throw blameSweep(e, [], file);
  }
  const points = assignments.map((assignment, index) => ({ index, assignment, exp: experimentAt(assignment) }));
  const first = points[0].exp;
  return { file, name: first.name, description: first.description, sweepKeys, points, experimentAt };
}
