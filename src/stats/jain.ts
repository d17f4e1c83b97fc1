/** Jain's fairness index of the values: 1 when all are equal, 1/n when one takes everything. NaN for an empty or all-zero list. */
export function jainIndex(values: ArrayLike<number>): number {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    sumSq += values[i] * values[i];
  }
  return sumSq === 0 ? NaN : (sum * sum) / (values.length * sumSq);
}
