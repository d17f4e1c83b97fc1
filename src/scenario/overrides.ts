import { InputError } from '../errors.js';
import type { Overrides } from './resolve.js';
import { DURATION, parseQuantity } from './units.js';

/** The largest work budget --max-events accepts: beyond it a run would outlast any job. */
export const MAX_EVENTS_LIMIT = 1e15;

/** The largest seed, on the command line as in a file. */
export const MAX_SEED = 2 ** 31 - 1;

/** What the command line gives, as yargs parsed it. */
export interface OverrideArgs {
  seed?: number;
  modes?: string[];
  duration?: string;
  maxEvents?: number;
}

/**
 * The command line's changes to a scenario, checked with the same rules (and bounds) as the
 * scenario fields they replace: `--seed`, `--modes`, `--duration`; and `--max-events`, the
 * work budget a study may not exceed (scenario/budget.ts).
 */
export function parseOverrides(a: OverrideArgs): Overrides {
  const o: Overrides = {};
  if (a.seed !== undefined) {
    if (!(Number.isInteger(a.seed) && a.seed >= 0 && a.seed <= MAX_SEED))
      throw new InputError('--seed', `a whole number from 0 to ${MAX_SEED}`, String(a.seed));
    o.seed = a.seed;
  }
  if (a.modes !== undefined) {
    const paths = a.modes.flatMap((s) => String(s).split(',')).map((s) => s.trim());
    if (paths.length === 0 || paths.some((p) => p === ''))
      throw new InputError(
        '--modes',
        'path names separated by commas, such as sriov,vmdq',
        JSON.stringify(a.modes.join(',')),
      );
    o.paths = paths;
  }
  if (a.duration !== undefined) {
    const ns = parseQuantity(String(a.duration), DURATION);
    if (ns === undefined || !(ns > 0) || ns > DURATION.max) {
      throw new InputError(
        '--duration',
        `a positive duration with a unit, such as "50 ms", at most ${DURATION.maxText}`,
        JSON.stringify(String(a.duration)),
      );
    }
    o.durationNs = ns;
  }
  if (a.maxEvents !== undefined) {
    if (!(Number.isFinite(a.maxEvents) && a.maxEvents >= 1 && a.maxEvents <= MAX_EVENTS_LIMIT))
      throw new InputError(
        '--max-events',
        `a number of events from 1 to ${MAX_EVENTS_LIMIT.toExponential(0)}`,
        String(a.maxEvents),
      );
    o.maxEvents = a.maxEvents;
  }
  return o;
}
