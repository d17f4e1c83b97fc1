import jStat from 'jstat';

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
  const t = jStat.studentt.inv(1 - (1 - level) / 2, n - 1);
  return { n, mean, halfWidth: t * Math.sqrt(variance / n) };
}
