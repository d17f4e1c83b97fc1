/**
 * Searches over a monotone criterion: the largest x in [lo, hi] for which `ok(x)` holds,
 * assuming ok holds up to some point and fails beyond it. Both iovsim searches, RFC 2544
 * zero-loss throughput and planning capacity, are this one mechanism.
 */
export interface SearchOutcome<T> {
  /** The largest passing x, or undefined when even lo fails. */
  best?: number;
  bestProbe?: T;
  /** The smallest failing x seen, and its probe (undefined when hi passes). */
  firstFail?: number;
  failProbe?: T;
  probes: number;
}

/**
 * Bisects until the passing and failing ends are within `resolution`; with `integer`, only
 * whole numbers are probed. It also stops when the midpoint no longer differs from either
 * end (the interval cannot shrink further in floating point), so it always ends. Probes are
 * sequential: each depends on the last.
 */
export async function largestPassing<T>(
  lo: number,
  hi: number,
  resolution: number,
  integer: boolean,
  probe: (x: number) => Promise<{ ok: boolean; value: T }>,
): Promise<SearchOutcome<T>> {
  let probes = 0;
  const at = async (x: number) => {
    probes++;
    return probe(x);
  };
  const top = await at(hi);
  if (top.ok) return { best: hi, bestProbe: top.value, probes };
  const bottom = await at(lo);
  if (!bottom.ok) return { firstFail: lo, failProbe: bottom.value, probes };
  let pass = lo;
  let passProbe = bottom.value;
  let fail = hi;
  let failProbe = top.value;
  while (fail - pass > resolution) {
    const mid = integer ? Math.floor((pass + fail) / 2) : (pass + fail) / 2;
    if (mid <= pass || mid >= fail) break;
    const r = await at(mid);
    if (r.ok) {
      pass = mid;
      passProbe = r.value;
    } else {
      fail = mid;
      failProbe = r.value;
    }
  }
  return { best: pass, bestProbe: passProbe, firstFail: fail, failProbe, probes };
}
