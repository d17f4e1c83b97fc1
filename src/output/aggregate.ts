import { meanCi } from '../stats/confidence.js';
import type { Row } from './columns.js';

/** Columns that identify a run rather than measure it: never averaged. */
const IDENTITY = new Set(['scenario', 'path', 'direction', 'vms', 'seed']);

const sig = (x: number): number | string => (Number.isFinite(x) ? Number(x.toPrecision(6)) : '');

/**
 * Replications of one point and path, as one row: each measured column becomes its mean,
 * followed by `<column>_ci95`, the half-width of its 95 % Student-t interval.
 */
export function aggregateReplications(rows: Row[], seed: number): Row {
  const out: Row = {};
  const first = rows[0];
  for (const key of Object.keys(first)) {
    if (IDENTITY.has(key)) {
      out[key] = key === 'seed' ? seed : first[key];
      continue;
    }
    const xs = rows.map((r) => r[key]).filter((v): v is number => typeof v === 'number');
    if (xs.length === 0) {
      out[key] = first[key];
      continue;
    }
    const ci = meanCi(xs);
    out[key] = sig(ci.mean);
    out[`${key}_ci95`] = sig(ci.halfWidth);
  }
  return out;
}
