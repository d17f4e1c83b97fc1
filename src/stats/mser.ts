/**
 * MSER-5 (White 1997; Spratt 1998): the warm-up truncation that minimizes the marginal
 * standard error of what remains. Observations are grouped into batches of 5; for each
 * candidate d (batches dropped, up to half of them) the statistic is
 *   MSER(d) = sum_{i > d} (z_i - mean_{i > d} z)^2 / (m - d)^2,
 * and the d with the smallest value wins.
 *
 * Here an observation is the mean latency of the packets delivered in one of equal time
 * buckets, given as sums and counts; a batch's mean is its 5 buckets' sum over their count.
 * Returns how many buckets to drop (a multiple of 5).
 */
export function mser5(sums: ArrayLike<number>, counts: ArrayLike<number>): number {
  const m = Math.floor(sums.length / 5);
  const z: number[] = [];
  const at: number[] = [];
  for (let b = 0; b < m; b++) {
    let s = 0;
    let c = 0;
    for (let i = 5 * b; i < 5 * b + 5; i++) {
      s += sums[i];
      c += counts[i];
    }
    if (c > 0) {
      z.push(s / c);
      at.push(b);
    }
  }
  if (z.length < 2) return 0;
  let best = Infinity;
  let bestD = 0;
  for (let d = 0; d <= Math.floor(z.length / 2); d++) {
    const n = z.length - d;
    let mean = 0;
    for (let i = d; i < z.length; i++) mean += z[i];
    mean /= n;
    let ss = 0;
    for (let i = d; i < z.length; i++) ss += (z[i] - mean) ** 2;
    const stat = ss / (n * n);
    if (stat < best) {
      best = stat;
      bestD = d;
    }
  }
  return 5 * at[bestD];
}
