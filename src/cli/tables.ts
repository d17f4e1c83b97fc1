import type { Row } from '../metrics/metrics.js';
import { toLongTable, toTable } from '../output/table.js';
import type { Plan } from '../scenario/plan.js';

/** The terminal table of a run: paths side by side for a single point, one line per row otherwise. */
export function tableFor(plan: Plan, rows: Row[]): string {
  const title = `${plan.name}: ${plan.description}`.replace(/: $/, '');
  if (plan.points.length === 1 && !plan.points[0].exp.search) return toTable(title, rows);
  return toLongTable(title, rows, plan.sweepKeys);
}
