import { meanCi } from '../stats/confidence.js';
import { columnDeclaration, rounded, type Row } from './metrics.js';

/**
 * Replications of one point and path, as one row, by each column's declared rule: identities
 * keep the first replication's value (the seed becomes the point's base seed), measured
 * columns become their mean followed by `<column>_ci95`, the half-width of the 95 % Student-t
 * interval. A column with no numbers (no data in any replication) stays as it is.
 */
export function aggregateReplications(rows: Row[], seed: number): Row {
  const out: Row = {};
  const first = rows[0];
  for (const key of Object.keys(first)) {
    if (columnDeclaration(key)?.aggregate === 'first') {
      out[key] = key === 'seed' ? seed : first[key];
      continue;
    }
    const xs = rows.map((r) => r[key]).filter((v): v is number => typeof v === 'number');
    if (xs.length === 0) {
      out[key] = first[key];
      continue;
    }
    const ci = meanCi(xs);
    out[key] = rounded(ci.mean);
    out[`${key}_ci95`] = rounded(ci.halfWidth);
  }
  return out;
}
