import type { VerifyResult } from '../experiment/verify.js';
import type { Row } from './columns.js';

const sig = (x: number): number => Number(x.toPrecision(6));

/** One row of `iovsim verify`'s output: the case, theory, the simulated mean and its 95 % interval. */
export function verifyRow(r: VerifyResult): Row {
  const unit = r.theory.metric === 'loss_probability' ? '' : '_us';
  return {
    case: r.name,
    metric: `${r.theory.metric}${unit}`,
    model: r.theory.formula,
    replications: r.sim.n,
    theory: sig(r.theory.value),
    simulated_mean: sig(r.sim.mean),
    ci95_half_width: sig(r.sim.halfWidth),
    ci95_half_width_pct: sig((100 * r.sim.halfWidth) / r.sim.mean),
    result: r.pass ? 'pass' : 'fail',
    why: r.why,
  };
}

/** The verification table for the terminal. */
export function verifyTable(rows: Row[]): string {
  const header = ['case', 'metric', 'theory', 'simulated', '95% CI', 'CI/mean', 'result'];
  const lines = rows.map((r) => [
    String(r.case),
    String(r.metric),
    String(r.theory),
    String(r.simulated_mean),
    `±${r.ci95_half_width}`,
    `${Number(r.ci95_half_width_pct).toFixed(2)} %`,
    r.result === 'pass' ? 'pass' : `FAIL (${r.why})`,
  ]);
  const all = [header, ...lines];
  const widths = header.map((_, c) => Math.max(...all.map((l) => l[c].length)));
  return all.map((l) => l.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n') + '\n';
}
