// Hand-computed numbers for src/stats: the confidence interval (Student t, against a t-table),
// Jain's fairness index, latency percentiles against a known distribution, and the MSER-5
// truncation rule on constructed series.
import { describe, expect, it } from 'vitest';
import { meanCi } from '../src/stats/confidence.js';
import { jainIndex } from '../src/stats/jain.js';
import { LatencyStats } from '../src/stats/latency.js';
import { mser5 } from '../src/stats/mser.js';
import { maximize } from '../src/stats/lp.js';
import { md1Sojourn, mg1Sojourn, mm1kLoss, mm1Sojourn, secondMoment } from '../src/stats/queueing.js';

describe('confidence interval: Student t with n - 1 degrees of freedom', () => {
  // Two-sided 95 % and 90 % quantiles t(1 - alpha/2, df), from a printed t-table.
  const T95 = { 1: 12.7062, 2: 4.3027, 3: 3.1824, 4: 2.7764, 9: 2.2622, 29: 2.0452 } as Record<number, number>;
  const T90 = { 1: 6.3138, 2: 2.92, 3: 2.3534, 4: 2.1318 } as Record<number, number>;
  /** 0, 1, ..., n - 1: mean (n - 1) / 2, sample variance n (n + 1) / 12. */
  const ramp = (n: number) => Array.from({ length: n }, (_, i) => i);
  const se = (n: number) => Math.sqrt((n * (n + 1)) / 12 / n);

  for (const n of [2, 3, 4, 5, 10, 30]) {
    it(`n = ${n}: half-width = t(0.975, ${n - 1}) x s / sqrt(n), not the normal 1.96`, () => {
      const ci = meanCi(ramp(n));
      expect(ci.n).toBe(n);
      expect(ci.mean).toBeCloseTo((n - 1) / 2, 12);
      expect(ci.halfWidth).toBeCloseTo(T95[n - 1] * se(n), 3);
      // The ratio to the standard error is the quantile itself: 4 decimals of the table.
      expect(ci.halfWidth / se(n)).toBeCloseTo(T95[n - 1], 3);
      expect(Math.abs(ci.halfWidth / se(n) - 1.96)).toBeGreaterThan(0.08);
    });
  }

  it('n = 2..5 at the 90 % level use t(0.95, n - 1)', () => {
    for (const n of [2, 3, 4, 5]) expect(meanCi(ramp(n), 0.9).halfWidth / se(n)).toBeCloseTo(T90[n - 1], 3);
  });

  it('hand-computed: [0, 2] gives 1 +/- 12.706; [3, 5, 7] gives 5 +/- 4.303 x 2 / sqrt(3)', () => {
    expect(meanCi([0, 2])).toEqual({ n: 2, mean: 1, halfWidth: expect.closeTo(12.7062, 4) as number });
    // s^2 = (4 + 0 + 4) / 2 = 4: s = 2.
    expect(meanCi([3, 5, 7]).halfWidth).toBeCloseTo((4.3027 * 2) / Math.sqrt(3), 3);
    // Shifting the samples moves the mean only; scaling them scales the width.
    expect(meanCi([103, 105, 107]).halfWidth).toBeCloseTo(meanCi([3, 5, 7]).halfWidth, 9);
    expect(meanCi([6, 10, 14]).halfWidth).toBeCloseTo(2 * meanCi([3, 5, 7]).halfWidth, 9);
    // Equal samples: no width at all.
    expect(meanCi([4, 4, 4, 4]).halfWidth).toBe(0);
  });

  it('one sample has a mean and no interval', () => {
    const ci = meanCi([7]);
    expect(ci.n).toBe(1);
    expect(ci.mean).toBe(7);
    expect(ci.halfWidth).toBeNaN();
  });
});

describe("Jain's fairness index (sum x)^2 / (n sum x^2)", () => {
  it('hand-computed values', () => {
    expect(jainIndex([5, 5, 5, 5])).toBe(1);
    expect(jainIndex([3])).toBe(1);
    // One of four takes everything: 1/n.
    expect(jainIndex([8, 0, 0, 0])).toBe(0.25);
    // 1, 2, 3: 36 / (3 x 14) = 6/7.
    expect(jainIndex([1, 2, 3])).toBeCloseTo(6 / 7, 12);
    // 1, 3: 16 / (2 x 10) = 0.8.
    expect(jainIndex([1, 3])).toBeCloseTo(0.8, 12);
    // 2, 2, 0: 16 / (3 x 8) = 2/3.
    expect(jainIndex([2, 2, 0])).toBeCloseTo(2 / 3, 12);
    // Scale-free.
    expect(jainIndex([10, 20, 30])).toBeCloseTo(6 / 7, 12);
    expect(jainIndex(new Float64Array([1, 2, 3]))).toBeCloseTo(6 / 7, 12);
  });

  it('NaN for an empty or all-zero list', () => {
    expect(jainIndex([])).toBeNaN();
    expect(jainIndex([0, 0, 0])).toBeNaN();
  });
});

describe('latency percentiles against a known distribution', () => {
  it('1..1000 ns once each: the p-th percentile is the value at rank ceil(p% x 1000), exactly below 2048 ns', () => {
    const s = new LatencyStats();
    for (let i = 1000; i >= 1; i--) s.record(i);
    expect(s.count).toBe(1000);
    expect(s.mean).toBe(500.5);
    expect(s.max).toBe(1000);
    expect(s.percentile(50)).toBe(500);
    expect(s.percentile(25)).toBe(250);
    expect(s.percentile(99)).toBe(990);
    expect(s.percentile(99.9)).toBe(999);
    expect(s.percentile(100)).toBe(1000);
  });

  it("10 ns .. 1 ms in steps of 10 ns: percentiles within the histogram's 3 significant digits", () => {
    const s = new LatencyStats();
    for (let i = 1; i <= 100_000; i++) s.record(10 * i);
    for (const [p, exact] of [
      [10, 100_000],
      [50, 500_000],
      [99, 990_000],
      [99.9, 999_000],
    ]) {
      expect(Math.abs(s.percentile(p) - exact) / exact, `p${p}`).toBeLessThan(1e-3);
    }
    expect(s.mean).toBeCloseTo(500_005, 6);
  });

  it('a skewed distribution: 90 values of 100 ns and 10 of 10 us', () => {
    const s = new LatencyStats();
    for (let i = 0; i < 90; i++) s.record(100);
    for (let i = 0; i < 10; i++) s.record(10_000);
    expect(s.percentile(50)).toBe(100);
    expect(s.percentile(90)).toBe(100);
    expect(Math.abs(s.percentile(91) - 10_000)).toBeLessThan(10);
    expect(s.mean).toBe((90 * 100 + 10 * 10_000) / 100);
  });

  it('sub-ns latencies count as 1 ns in the histogram but exactly in the mean and max', () => {
    const s = new LatencyStats();
    s.record(0.2);
    s.record(2.6);
    expect(s.percentile(0)).toBe(1);
    expect(s.percentile(100)).toBe(3);
    expect(s.mean).toBeCloseTo(1.4, 12);
    expect(s.max).toBe(2.6);
  });

  it('nothing recorded, or reset: NaN percentiles and mean', () => {
    const s = new LatencyStats();
    expect(s.percentile(50)).toBeNaN();
    expect(s.mean).toBeNaN();
    s.record(123);
    s.record(456);
    s.reset();
    expect(s.count).toBe(0);
    expect(s.sum).toBe(0);
    expect(s.max).toBe(0);
    expect(s.percentile(50)).toBeNaN();
    s.record(7);
    expect(s.percentile(100)).toBe(7);
    expect(s.max).toBe(7);
    expect(s.mean).toBe(7);
  });
});

describe('MSER-5: batches of 5 buckets, the truncation with the least marginal standard error', () => {
  /** Buckets of one observation each, of the given values (counts 1). */
  const series = (values: number[], counts?: number[]) => [values, counts ?? values.map(() => 1)] as const;
  /** 5 equal buckets per batch mean given. */
  const batches = (means: number[]) => series(means.flatMap((m) => [m, m, m, m, m]));

  it('hand-computed: one high batch then level: drop exactly that batch (5 buckets)', () => {
    // z = 10, 0, 0, 0, 0, 0. d = 0: mean 10/6, SS = 83.33, / 36 = 2.31; d = 1: SS = 0. d = 2 and 3
    // tie at 0: the first minimum wins.
    expect(mser5(...batches([10, 0, 0, 0, 0, 0]))).toBe(5);
  });

  it('the statistic divides by (m - d)^2: a level shift halfway is dropped only while d <= m/2', () => {
    // z = 9, 9, 9, 0, 0, 0: d = 0: 121.5 / 36 = 3.375; d = 1: 97.2 / 25 = 3.888; d = 2: 60.75 / 16 =
    // 3.797; d = 3 (= m / 2, the last candidate): 0. Drop 3 batches.
    expect(mser5(...batches([9, 9, 9, 0, 0, 0]))).toBe(15);
    // z = 9, 9, 9, 9, 0, 0: d = 4 would give 0 but is beyond m / 2 = 3; d = 0: 108 / 36 = 3;
    // d = 1: 97.2 / 25 = 3.888; d = 2: 81 / 16 = 5.06; d = 3: 54 / 9 = 6. Keep everything.
    expect(mser5(...batches([9, 9, 9, 9, 0, 0]))).toBe(0);
  });

  it('alternating batches: dropping one would shorten the series more than it narrows it', () => {
    // z = 1, 0, 1, 0: d = 0: SS = 1, / 16 = 0.0625; d = 1: SS = 2/3, / 9 = 0.074; d = 2: 0.5 / 4 =
    // 0.125. Keep everything (dividing by m - d instead of its square would drop one batch).
    expect(mser5(...batches([1, 0, 1, 0]))).toBe(0);
  });

  it('hand-computed with noise: z = 6, 2, 1, 3, 1, 3, 2', () => {
    // d = 0: mean 18/7, SS = 17.71, / 49 = 0.36; d = 1: mean 2, SS = 4, / 36 = 0.1111;
    // d = 2: mean 2, SS = 4, / 25 = 0.16; d = 3: mean 2.25, SS = 2.75, / 16 = 0.1719. d = 1 wins.
    expect(mser5(...batches([6, 2, 1, 3, 1, 3, 2]))).toBe(5);
    // Without the outlier the series is kept whole: z = 2, 1, 3, 1, 3, 2 (d = 0: 4 / 36 = 0.111;
    // d = 1: mean 2, SS = 4, / 25 = 0.16; d = 2: 2.75 / 16 = 0.17; d = 3: mean 2, SS = 2, / 9 = 0.22).
    expect(mser5(...batches([2, 1, 3, 1, 3, 2]))).toBe(0);
  });

  it('a batch is 5 buckets, its mean their sum over their count', () => {
    // Buckets 0-4 are high (one batch), 5-29 level: drop 5. With batches of 4 or 6 the high
    // buckets would straddle two batches.
    const v = [50, 50, 50, 50, 50, ...new Array(25).fill(1)];
    expect(mser5(...series(v))).toBe(5);
    // One high bucket, the first of the second batch (bucket 5): z = 1, 2.6, 1, 1. d = 0: mean 1.4,
    // SS = 1.92, / 16 = 0.12; d = 1: SS = 1.707, / 9 = 0.19; d = 2: 0. Drop 10 buckets. (A batch
    // reaching into the next one's first bucket would see 2.33, 2.33, 1 and keep everything.)
    const w = [1, 1, 1, 1, 1, 9, ...new Array(14).fill(1)];
    expect(mser5(...series(w))).toBe(10);
    // Buckets of unequal counts: a batch's mean is sum / count, not the mean of bucket means.
    // Batch 0: sums 100 over 50 packets = 2 a packet; later batches 2 a packet with 5 packets.
    // Every batch mean is 2: nothing to drop. (Weighting by count, or multiplying, would see a
    // transient in batch 0.)
    const sums = [...new Array(5).fill(20), ...new Array(25).fill(2)];
    const counts = [...new Array(5).fill(10), ...new Array(25).fill(1)];
    expect(mser5(sums, counts)).toBe(0);
  });

  it('a partial batch at the end is left out', () => {
    // 32 buckets: 6 batches, the last 2 buckets ignored even if wild.
    const v = [...new Array(30).fill(1), 1e6, 1e6];
    v[0] = 40;
    // Batch 0's mean = (40 + 4) / 5 = 8.8, the rest 1: drop batch 0.
    expect(mser5(...series(v))).toBe(5);
  });

  it('batches with no packets are skipped, and the cut is counted in buckets', () => {
    // Batch 0 empty, batch 1 high, batches 2-6 level: the nonempty z = 10, 0, 0, 0, 0, 0 drop their
    // first, i.e. buckets up to the end of batch 1: 10.
    const v = [0, 0, 0, 0, 0, ...new Array(5).fill(10), ...new Array(25).fill(0)];
    const c = [0, 0, 0, 0, 0, ...new Array(30).fill(1)];
    expect(mser5(v, c)).toBe(10);
  });

  it('an empty batch in the middle is skipped, not counted as a batch', () => {
    // Batch 2 has no packets; the six others are level: keep everything. (Counting it as a batch
    // of mean 0/0 would force a cut past it.)
    const v = new Array(35).fill(1);
    const c = [...new Array(10).fill(1), 0, 0, 0, 0, 0, ...new Array(20).fill(1)];
    expect(mser5(v, c)).toBe(0);
  });

  it('fewer than 2 nonempty batches: nothing to choose, 0', () => {
    expect(mser5([], [])).toBe(0);
    expect(mser5([1, 2, 3, 4], [1, 1, 1, 1])).toBe(0);
    // One nonempty batch, the fourth: still 0 (not 15).
    const c = [...new Array(15).fill(0), 1, 1, 1, 1, 1];
    expect(mser5(new Array(20).fill(3), c)).toBe(0);
  });

  it('exactly 2 batches: a difference drops the first', () => {
    // d = 0: z = 10, 0: SS = 50 / 4; d = 1 (= m / 2): 0.
    expect(mser5(...batches([10, 0]))).toBe(5);
  });
});

describe('closed forms away from rho = 1/2 and mu = 1', () => {
  it('M/M/1/K: lambda 0.5, mu 2, K 3: rho 1/4, (3/4)(1/64) / (1 - 1/256) = 1/85', () => {
    expect(mm1kLoss(0.5, 2, 3)).toBeCloseTo(1 / 85, 14);
  });

  it('M/G/1 at rho 0.8: exponential service is M/M/1, deterministic is M/D/1', () => {
    // E[S^2] of an exponential of mean 1 is 2: W = 1 + 0.8 x 2 / (2 x 0.2) = 5 = 1 / (1 - 0.8).
    expect(secondMoment('exponential', 1)).toBe(2);
    expect(secondMoment('exponential', 3)).toBe(18);
    expect(mg1Sojourn(0.8, 1, secondMoment('exponential', 1))).toBeCloseTo(5, 12);
    expect(mg1Sojourn(0.8, 1, 2)).toBeCloseTo(mm1Sojourn(0.8, 1), 12);
    // Deterministic, mean 0.5, lambda 1.6: rho 0.8, W = 0.5 + 1.6 x 0.25 / 0.4 = 1.5.
    expect(mg1Sojourn(1.6, 2, secondMoment('deterministic', 0.5))).toBeCloseTo(1.5, 12);
    expect(md1Sojourn(1.6, 2)).toBeCloseTo(1.5, 12);
  });
});

describe('the linear program: maximize c.x, A x <= b, 0 <= x <= u', () => {
  it("Chvatal's example: 13 at (2, 0, 1), row prices 1, 0, 1", () => {
    // max 5x + 4y + 3z, 2x + 3y + z <= 5, 4x + y + 2z <= 11, 3x + 4y + 2z <= 8.
    expect(
      maximize(
        [5, 4, 3],
        [
          [2, 3, 1],
          [4, 1, 2],
          [3, 4, 2],
        ],
        [5, 11, 8],
        [Infinity, Infinity, Infinity],
      ),
    ).toEqual({ value: 13, x: [2, 0, 1], duals: [1, 0, 1], capDuals: [0, 0, 0] });
  });

  it('three columns and rows: y fills its row, x and z share the rest', () => {
    // max 3(x + y + z), 2x + 2z <= 3, 2y <= 5, 2x + y + 2z <= 5: y = 2.5, x + z = 1.25: 11.25;
    // prices 0.75 and 1.5 (3 = 2 x 0.75 + 1.5 for y, 3 = 2 x 1.5 for x).
    const s = maximize(
      [3, 3, 3],
      [
        [2, 0, 2],
        [0, 2, 0],
        [2, 1, 2],
      ],
      [3, 5, 5],
      [Infinity, Infinity, Infinity],
    );
    expect(s.value).toBeCloseTo(11.25, 12);
    expect(s.x[0] + s.x[2]).toBeCloseTo(1.25, 12);
    expect(s.x[1]).toBeCloseTo(2.5, 12);
    expect(s.duals[0]).toBeCloseTo(0, 12);
    expect(s.duals[1]).toBeCloseTo(0.75, 12);
    expect(s.duals[2]).toBeCloseTo(1.5, 12);
  });

  it('a column at its cap before any row binds: it flips to the cap, and the cap has the price', () => {
    expect(maximize([1], [[1]], [10], [3]).value).toBeCloseTo(3, 12);
    expect(maximize([1], [[1]], [10], [3]).capDuals[0]).toBeCloseTo(1, 12);
    // x capped at 1 earns 3 a unit, y the rest of the row at 2: 9; row price 2, cap price 3 - 2.
    const s = maximize([3, 2], [[1, 1]], [4], [1, Infinity]);
    expect(s.value).toBeCloseTo(9, 12);
    expect(s.x).toEqual([1, 3]);
    expect(s.duals[0]).toBeCloseTo(2, 12);
    expect(s.capDuals).toEqual([1, 0]);
  });

  it('a column at its cap leaves it when a better one takes the row', () => {
    // max 2x + 3y, x + y <= 4, x <= 3: x goes to its cap first (Bland), then y enters, and x
    // must come back down to 0: y = 4, value 12.
    const s = maximize([2, 3], [[1, 1]], [4], [3, Infinity]);
    expect(s).toEqual({ value: 12, x: [0, 4], duals: [3], capDuals: [0, 0] });
  });

  it('a basic column that rises to its own cap leaves the basis at it', () => {
    // As above with y <= 2: as x comes down from 3, y rises to its cap 2 first: x = 2, y = 2,
    // 10; the row's price is x's 2, y's cap is worth 3 - 2.
    const s = maximize([2, 3], [[1, 1]], [4], [3, 2]);
    expect(s.value).toBeCloseTo(10, 12);
    expect(s.x).toEqual([2, 2]);
    expect(s.duals[0]).toBeCloseTo(2, 12);
    expect(s.capDuals).toEqual([0, 1]);
  });

  it('columns not at a cap have no cap price, exactly', () => {
    // max 3x + 3y, x + 2y <= 5, 2x + 2y <= 6: 9, the second row priced 1.5.
    const s = maximize(
      [3, 3],
      [
        [1, 2],
        [2, 2],
      ],
      [5, 6],
      [Infinity, Infinity],
    );
    expect(s.value).toBeCloseTo(9, 12);
    expect(s.duals).toEqual([0, 1.5]);
    expect(s.capDuals).toEqual([0, 0]);
  });

  it('ties in the ratio test go to the row whose basic column comes first (Bland)', () => {
    // Two identical rows x <= 3: the first binds and carries the price.
    const twin = maximize(
      [2, 3],
      [
        [1, 0],
        [1, 0],
      ],
      [3, 3],
      [Infinity, 3],
    );
    expect(twin).toEqual({ value: 15, x: [3, 3], duals: [2, 0], capDuals: [0, 3] });
    // max 2x + 3y, 2y <= 5, 2x + 2y <= 5, x <= 4: x enters on row 2, then y ties between row 1
    // (its slack, column 2) and row 2 (x, column 0): x leaves. y = 2.5, and row 2 is priced.
    const later = maximize(
      [2, 3],
      [
        [0, 2],
        [2, 2],
      ],
      [5, 5],
      [4, Infinity],
    );
    expect(later).toEqual({ value: 7.5, x: [0, 2.5], duals: [0, 1.5], capDuals: [0, 0] });
  });

  it('a column no row limits: infinite with no cap, at its cap with one, ignored with no value', () => {
    expect(maximize([1, 2], [[1, 0]], [5], [Infinity, Infinity])).toEqual({
      value: Infinity,
      x: [0, Infinity],
      duals: [0],
      capDuals: [0, 0],
    });
    const capped = maximize([1, 2], [[1, 0]], [5], [Infinity, 3]);
    expect(capped.value).toBeCloseTo(11, 12);
    expect(capped.x).toEqual([5, 3]);
    expect(capped.duals[0]).toBeCloseTo(1, 12);
    expect(capped.capDuals).toEqual([0, 2]);
    const worthless = maximize([1, 0], [[1, 0]], [5], [Infinity, Infinity]);
    expect(worthless.value).toBeCloseTo(5, 12);
    expect(worthless.x).toEqual([5, 0]);
    // Limited by one row of two: finite.
    const s = maximize(
      [1, 1],
      [
        [1, 0],
        [0, 1],
      ],
      [2, 3],
      [Infinity, Infinity],
    );
    expect(s.value).toBeCloseTo(5, 12);
    expect(s.duals).toEqual([1, 1]);
  });

  it('scales columns: a demand of 1e-13 of the row per unit still pivots', () => {
    // Unscaled, the coefficient 1 / 1e13 is below the pivot tolerance and the column looks unbounded.
    const s = maximize([1], [[1]], [1e13], [Infinity]);
    expect(s.value / 1e13).toBeCloseTo(1, 12);
    expect(s.duals[0]).toBeCloseTo(1, 12);
  });

  it('refuses malformed problems with a message', () => {
    expect(() => maximize([1], [[1, 2]], [1], [1])).toThrow('lp: every row needs one coefficient per column');
    expect(() => maximize([1, 1], [[1, 1]], [1], [1])).toThrow('lp: one cap per column');
    const bad = 'lp: expects A >= 0, b > 0, c >= 0';
    expect(() => maximize([1], [[1], [1]], [1, 0], [1])).toThrow(bad);
    expect(() => maximize([1], [[1]], [-1], [1])).toThrow(bad);
    expect(() => maximize([1], [[1]], [NaN], [1])).toThrow(bad);
    expect(() =>
      maximize(
        [1, 1],
        [
          [1, 1],
          [1, -1],
        ],
        [1, 1],
        [1, 1],
      ),
    ).toThrow(bad);
    expect(() => maximize([1], [[NaN]], [1], [1])).toThrow(bad);
    expect(() => maximize([1, -1], [[1, 1]], [1], [1, 1])).toThrow(bad);
    expect(() => maximize([1, NaN], [[1, 1]], [1], [1, 1])).toThrow(bad);
    // Zeros are allowed in A and c.
    expect(maximize([0, 1], [[0, 1]], [1], [1, 1]).value).toBeCloseTo(1, 12);
  });
});
