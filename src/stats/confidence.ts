import { createRequire } from 'node:module';
import type jStatType from 'jstat';

/** jstat's Student t quantile; jstat (a tenth of a second to load) is loaded the first time an interval is asked for. */
let studentTInv: ((p: number, dof: number) => number) | undefined;
function tQuantile(p: number, dof: number): number {
  if (studentTInv === undefined) {
    const jStat = createRequire(import.meta.url)('jstat') as typeof jStatType;
    studentTInv = (q, n) => jStat.studentt.inv(q, n);
  }
  return studentTInv(p, dof);
}

export interface MeanCi {
  n: number;
  mean: number;
  /** Half-width of the two-sided confidence interval (Student t, n - 1 degrees of freedom). */
  halfWidth: number;
}

/** Mean and Student-t confidence interval (default 95 %) of independent samples. */
export function meanCi(xs: number[], level = 0.95): MeanCi {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, halfWidth: NaN };
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  const t = tQuantile(1 - (1 - level) / 2, n - 1);
  return { n, mean, halfWidth: t * Math.sqrt(variance / n) };
}
