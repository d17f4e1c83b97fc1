/**
 * Closed-form results of queueing theory, for checking the simulator. Rates are per unit
 * time, and results are in the same unit's reciprocal.
 */

/** M/M/1 mean time in system: 1 / (mu - lambda). */
export const mm1Sojourn = (lambda: number, mu: number): number => 1 / (mu - lambda);

/** M/D/1 mean time in system: service plus the Pollaczek-Khinchine wait rho / (2 mu (1 - rho)). */
export function md1Sojourn(lambda: number, mu: number): number {
  const rho = lambda / mu;
  return 1 / mu + rho / (2 * mu * (1 - rho));
}

/** Erlang C: the probability that an arrival to an M/M/c queue waits. */
export function erlangC(c: number, lambda: number, mu: number): number {
  const a = lambda / mu;
  const rho = a / c;
  let term = 1;
  let sum = 0;
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const last = term / (1 - rho);
  return last / (sum + last);
}

/** M/M/c mean time in system: Erlang C / (c mu - lambda) + 1 / mu. */
export const mmcSojourn = (c: number, lambda: number, mu: number): number =>
  erlangC(c, lambda, mu) / (c * mu - lambda) + 1 / mu;

/** M/M/1/K loss probability (K counts the one in service): (1 - rho) rho^K / (1 - rho^(K+1)), or 1 / (K + 1) at rho = 1. */
export function mm1kLoss(lambda: number, mu: number, k: number): number {
  const rho = lambda / mu;
  if (Math.abs(rho - 1) < 1e-12) return 1 / (k + 1);
  return ((1 - rho) * rho ** k) / (1 - rho ** (k + 1));
}

/**
 * M/G/1 mean time in system (Pollaczek-Khinchine): 1/mu + lambda E[S^2] / (2 (1 - rho)),
 * given the service time's second moment E[S^2].
 */
export function mg1Sojourn(lambda: number, mu: number, secondMoment: number): number {
  const rho = lambda / mu;
  return 1 / mu + (lambda * secondMoment) / (2 * (1 - rho));
}

/** A service time distribution by its shape, scaled to a mean. */
export type ServiceShape = 'deterministic' | 'exponential' | 'uniform' | { erlang: number };

/**
 * E[S^2] of a service time with mean m: m^2 (deterministic), 2 m^2 (exponential), 4/3 m^2
 * (uniform on [0, 2m]), (1 + 1/k) m^2 (Erlang-k).
 */
export function secondMoment(shape: ServiceShape, mean: number): number {
  const m2 = mean * mean;
  if (shape === 'deterministic') return m2;
  if (shape === 'exponential') return 2 * m2;
  if (shape === 'uniform') return (4 / 3) * m2;
  return (1 + 1 / shape.erlang) * m2;
}
