/**
 * iovsim as a library: `import { simulate } from 'iovsim'`. A thin layer over what the CLI
 * uses (scenario/plan.ts checks and resolves, experiment/runner.ts runs), so a scenario run
 * here gives the same rows, byte for byte, as `iovsim run` with the same seed.
 */
import { InputError, InputErrors } from './errors.js';
import { taskRunner } from './experiment/pool.js';
import { Interrupted, runPlan } from './experiment/runner.js';
import { COLUMNS, type Row } from './metrics/metrics.js';
import { provenanceOf, type Provenance } from './output/provenance.js';
import { parseText, readScenarioText } from './scenario/load.js';
import { parseOverrides } from './scenario/overrides.js';
import { planScenario, type Plan } from './scenario/plan.js';
import { scenarioJsonSchema } from './scenario/reference.js';
import type { ScenarioInput } from './scenario/schema.js';

export { InputError, InputErrors };
export type { Provenance, Row };
/** A scenario as a file holds it (quantities as text with units, such as "10 Gbit/s"); docs/scenarios.md. */
export type Scenario = ScenarioInput;

/** The JSON Schema of scenario files (draft 2020-12), as shipped in scenario.schema.json. */
export const schema: Record<string, unknown> = scenarioJsonSchema();

/** Every column a result row can hold: name (a family's as `vm<i>_gbps`), unit and meaning. */
export const columns: readonly { name: string; unit: string; help: string }[] = COLUMNS.map((c) => ({
  name: c.name,
  unit: c.unit,
  help: c.help,
}));

export interface Progress {
  /** Rows of output done, of `total`. */
  done: number;
  total: number;
}

export interface SimulateOptions {
  /** Replaces the scenario's `seed` (0 to 2147483647); sweeps and replications derive theirs from it. */
  seed?: number;
  /** Worker threads for sweep points and replications; default 1 (this thread). Rows do not depend on it. */
  jobs?: number;
  /** Called as rows complete. */
  onProgress?: (p: Progress) => void;
  /** Aborting stops after the runs in flight; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Replaces the scenario's `paths`. */
  paths?: string[];
  /** Replaces the scenario's `duration`, e.g. "50 ms". */
  duration?: string;
  /** Where the scenario came from, for messages and for custom path files relative to it. */
  file?: string;
  /** A run that missed a statistical law's tolerance; default: ignored. */
  onWarning?: (message: string) => void;
}

export interface SimulateResult {
  name: string;
  description: string;
  /** Swept fields (their columns lead each row), empty without a sweep. */
  sweep: string[];
  /** One row per point and path, as the CSV has them (units in the column names). */
  rows: Row[];
  provenance: Provenance;
}

const DATA = '<data>';

/** Scenario data and the text it came from: an object is its JSON, text is YAML (or JSON). */
function source(scenario: Scenario | string, file: string): { raw: unknown; text: string } {
  if (typeof scenario === 'string')
    return { raw: parseText(file.endsWith('.json') ? file : `${file}.yaml`, scenario), text: scenario };
  return { raw: scenario, text: JSON.stringify(scenario) };
}

function plan(raw: unknown, file: string, o: SimulateOptions): Plan {
  const overrides = parseOverrides({ seed: o.seed, modes: o.paths, duration: o.duration });
  // An unnamed scenario given as data is "scenario" (a file's is its file name).
  const named =
    file === DATA && typeof raw === 'object' && raw !== null && !Array.isArray(raw)
      ? { name: 'scenario', ...raw }
      : raw;
  return planScenario(named, file, overrides);
}

async function run(p: Plan, text: string, o: SimulateOptions): Promise<SimulateResult> {
  const jobs = o.jobs ?? 1;
  if (!(Number.isInteger(jobs) && jobs >= 1 && jobs <= 256))
    throw new InputError('jobs', 'a whole number from 1 to 256', String(o.jobs));
  o.signal?.throwIfAborted();
  const runner = taskRunner(jobs);
  let done = 0;
  let total = 0;
  try {
    const rows = await runPlan(p, {
      runner,
      concurrency: jobs,
      onWarning: o.onWarning ?? (() => {}),
      progress: o.onProgress && {
        start: (t, kept) => {
          total = t;
          done = kept;
          o.onProgress!({ done, total });
        },
        advance: (by) => {
          done += by;
          o.onProgress!({ done, total });
        },
        stop: () => {},
      },
      aborted: () => o.signal?.aborted ?? false,
    });
    return {
      name: p.name,
      description: p.description,
      sweep: p.sweepKeys,
      rows,
      provenance: provenanceOf(p.file, p.name, p.hash, p.points[0].exp.config.seed),
    };
  } catch (e) {
    if (e instanceof Interrupted && o.signal?.aborted) throw o.signal.reason;
    throw e;
  } finally {
    await runner.close();
  }
}

/**
 * Runs a scenario given as data (an object, as a YAML file would hold it) or as YAML/JSON
 * text: every point of its sweep, its replications or its search. Bad input throws an
 * InputError (or InputErrors) whose `describe()` is the CLI's one-line message.
 */
export async function simulate(scenario: Scenario | string, options: SimulateOptions = {}): Promise<SimulateResult> {
  const file = options.file ?? DATA;
  const { raw, text } = source(scenario, file);
  return run(plan(raw, file, options), text, options);
}

/** Runs a scenario file (.yaml, .yml or .json), as `iovsim run` does, without writing anything. */
export async function runFile(file: string, options: SimulateOptions = {}): Promise<SimulateResult> {
  const text = readScenarioText(file);
  return run(plan(parseText(file, text), file, options), text, options);
}

/** One problem with a scenario, as the CLI's one line says it. */
export interface ValidationError {
  file?: string;
  field: string;
  expected: string;
  found: string;
  message: string;
}

export type ValidationResult = { ok: true } | { ok: false; errors: ValidationError[] };

/** Runs every check `run` makes (every sweep point, every search bound), without running anything. */
function check(f: () => unknown): ValidationResult {
  try {
    f();
    return { ok: true };
  } catch (e) {
    if (!(e instanceof InputError || e instanceof InputErrors)) throw e;
    const errors = e instanceof InputError ? [e] : e.errors;
    return {
      ok: false,
      errors: errors.map((x) => ({
        file: x.file,
        field: x.fieldPath,
        expected: x.expected,
        found: x.found,
        message: x.describe(),
      })),
    };
  }
}

/** Checks a scenario given as data or text. */
export function validate(scenario: Scenario | string, options: Pick<SimulateOptions, 'file'> = {}): ValidationResult {
  const file = options.file ?? DATA;
  return check(() => plan(source(scenario, file).raw, file, {}));
}

/** Checks a scenario file. */
export function validateFile(file: string): ValidationResult {
  return check(() => plan(parseText(file, readScenarioText(file)), file, {}));
}
