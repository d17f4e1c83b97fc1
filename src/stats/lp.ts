/**
 * A small linear program solver for the capacity bounds of `iovsim estimate`:
 *
 *   maximize c.x  subject to  A x <= b,  0 <= x <= u,
 *
 * with A >= 0 and b > 0, so x = 0 is feasible and the slack basis is a starting vertex (no
 * phase one). Bounded-variable primal simplex on a dense tableau, Bland's rule (no cycling).
 * The problems are tiny (a row per core pool and wire, a column per class of VMs), so
 * clarity wins over speed. Rows and columns are scaled to unit size first so that cycles/s
 * (1e9) and bits per frame (1e4) do not meet in one pivot.
 */
export interface LpSolution {
  /** The optimum, and the x that reaches it. Infinity when unbounded (a column with no row and no cap). */
  value: number;
  x: number[];
  /** Shadow price of each row: how much the optimum grows per unit of b_i. */
  duals: number[];
  /** For each column at its cap: how much the optimum grows per unit of u_j; 0 otherwise. */
  capDuals: number[];
}

const EPS = 1e-11;

export function maximize(c: number[], a: number[][], b: number[], u: number[]): LpSolution {
  const n = c.length;
  const m = b.length;
  for (const row of a) if (row.length !== n) throw new Error('lp: every row needs one coefficient per column');
  if (u.length !== n) throw new Error('lp: one cap per column');
  if (b.some((v) => !(v > 0)) || a.some((row) => row.some((v) => !(v >= 0))) || c.some((v) => !(v >= 0)))
    throw new Error('lp: expects A >= 0, b > 0, c >= 0');
  // A column that no row limits and no cap bounds makes the optimum infinite.
  for (let j = 0; j < n; j++) {
    if (c[j] > 0 && u[j] === Infinity && a.every((row) => row[j] === 0)) {
      return {
        value: Infinity,
        x: c.map((_, k) => (k === j ? Infinity : 0)),
        duals: b.map(() => 0),
        capDuals: c.map(() => 0),
      };
    }
  }
  // Scale: rows to b = 1, columns to their largest coefficient 1 (x' = x * s_j).
  const colScale = new Array<number>(n).fill(1);
  for (let j = 0; j < n; j++) {
    let big = 0;
    for (let i = 0; i < m; i++) big = Math.max(big, a[i][j] / b[i]);
    if (big > 0) colScale[j] = big;
  }
  const N = n + m;
  const T: Float64Array[] = a.map((row, i) => {
    const r = new Float64Array(N);
    for (let j = 0; j < n; j++) r[j] = row[j] / b[i] / colScale[j];
    r[n + i] = 1;
    return r;
  });
  const cost = new Float64Array(N);
  for (let j = 0; j < n; j++) cost[j] = c[j] / colScale[j];
  const upper = new Float64Array(N).fill(Infinity);
  for (let j = 0; j < n; j++) upper[j] = u[j] * colScale[j];
  const basis = Array.from({ length: m }, (_, i) => n + i);
  const beta = new Float64Array(m).fill(1);
  const atUpper = new Uint8Array(N);
  const isBasic = new Uint8Array(N);
  for (const j of basis) isBasic[j] = 1;
  const d = new Float64Array(N);
  const reducedCosts = () => {
    for (let j = 0; j < N; j++) {
      let s = cost[j];
      for (let i = 0; i < m; i++) s -= cost[basis[i]] * T[i][j];
      d[j] = isBasic[j] ? 0 : s;
    }
  };

  const maxIterations = 50 * (N + 10);
  for (let iter = 0; ; iter++) {
    if (iter > maxIterations) throw new Error('lp: no convergence');
    reducedCosts();
    let enter = -1;
    for (let j = 0; j < N; j++) {
      if (isBasic[j]) continue;
      if ((!atUpper[j] && d[j] > EPS) || (atUpper[j] && d[j] < -EPS)) {
        enter = j;
        break;
      }
    }
    if (enter < 0) break;
    const dir = atUpper[enter] ? -1 : 1;
    let t = upper[enter];
    let leave = -1;
    let leaveToUpper = false;
    for (let i = 0; i < m; i++) {
      const coef = dir * T[i][enter];
      let limit = Infinity;
      let toUpper = false;
      if (coef > EPS) limit = Math.max(0, beta[i]) / coef;
      else if (coef < -EPS && upper[basis[i]] < Infinity) {
        limit = Math.max(0, upper[basis[i]] - beta[i]) / -coef;
        toUpper = true;
      }
      if (limit < t || (limit === t && leave >= 0 && basis[i] < basis[leave])) {
        t = limit;
        leave = i;
        leaveToUpper = toUpper;
      }
    }
    if (t === Infinity) throw new Error('lp: unbounded');
    for (let i = 0; i < m; i++) beta[i] -= dir * T[i][enter] * t;
    if (leave < 0) {
      // The entering column reaches its own bound first: it flips, the basis stays.
      atUpper[enter] = atUpper[enter] ? 0 : 1;
      continue;
    }
    const enteringValue = (atUpper[enter] ? upper[enter] : 0) + dir * t;
    const out = basis[leave];
    isBasic[out] = 0;
    atUpper[out] = leaveToUpper ? 1 : 0;
    isBasic[enter] = 1;
    atUpper[enter] = 0;
    basis[leave] = enter;
    beta[leave] = enteringValue;
    const pivotRow = T[leave];
    const p = pivotRow[enter];
    for (let j = 0; j < N; j++) pivotRow[j] /= p;
    for (let i = 0; i < m; i++) {
      if (i === leave) continue;
      const f = T[i][enter];
      if (f === 0) continue;
      const row = T[i];
      for (let j = 0; j < N; j++) row[j] -= f * pivotRow[j];
    }
  }

  const xs = new Float64Array(N);
  for (let j = 0; j < N; j++) xs[j] = atUpper[j] ? upper[j] : 0;
  basis.forEach((j, i) => (xs[j] = beta[i]));
  const x = Array.from({ length: n }, (_, j) => Math.max(0, xs[j]) / colScale[j]);
  let value = 0;
  for (let j = 0; j < n; j++) value += c[j] * x[j];
  reducedCosts();
  // d of slack i is -y_i (scaled by 1/b_i); d of a column at its cap is its cap's price (per scaled unit).
  const duals = Array.from({ length: m }, (_, i) => Math.max(0, -d[n + i]) / b[i]);
  const capDuals = Array.from({ length: n }, (_, j) =>
    atUpper[j] && !isBasic[j] ? Math.max(0, d[j]) * colScale[j] : 0,
  );
  return { value, x, duals, capDuals };
}
