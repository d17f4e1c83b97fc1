import { deriveSeed } from '../engine/rng.js';
import { lossOf, rounded, type Row } from '../metrics/metrics.js';
import { runPath } from '../model/network.js';
import type { RunResult } from '../model/result.js';
import type { Experiment } from '../scenario/resolve.js';
import type { ValidationSpec } from '../scenario/schema.js';
import { meanCi, type MeanCi } from '../stats/confidence.js';
import { md1Sojourn, mg1Sojourn, mm1kLoss, mmcSojourn, secondMoment } from '../stats/queueing.js';
import { checkLaws } from './laws.js';

/** The 95 % interval's half-width must be at most this share of the mean. */
export const MAX_RELATIVE_HALF_WIDTH = 0.02;

export interface Theory {
  metric: 'mean_time_in_system' | 'loss_probability';
  /** In us for time, a probability for loss. */
  value: number;
  formula: string;
}

export interface VerifyResult {
  name: string;
  theory: Theory;
  sim: MeanCi;
  pass: boolean;
  why: string;
  /** Operational laws a replication broke (any of them fails the case). */
  lawFailures: string[];
}

/**
 * The closed form for a validation scenario, from the queueing model its `validation:` block
 * declares (arrival rate, and each station's mean service time, distribution, servers and
 * capacity), never from the hops' cycles: a simulator that turned cycles into time wrongly
 * would then disagree with it. Stations in tandem add up (Jackson's theorem, exponential
 * stations); a single station may be M/M/c, M/G/1 (Pollaczek-Khinchine) or M/M/1/K.
 */
export function theoryFor(v: ValidationSpec): Theory {
  const lambda = v.arrival_rate / 1e9; // per ns
  if (v.metric === 'loss_probability') {
    const s = v.stations[0];
    const mu = 1 / s.service_mean;
    return {
      metric: v.metric,
      value: mm1kLoss(lambda, mu, s.capacity!),
      formula: `M/M/1/K, K = ${s.capacity}, rho = ${(lambda / mu).toFixed(3)}`,
    };
  }
  let sojournNs = 0;
  const parts: string[] = [];
  for (const s of v.stations) {
    const mu = 1 / s.service_mean;
    const rho = lambda / (s.servers * mu);
    const d = s.distribution;
    if (d === 'exponential') {
      sojournNs += mmcSojourn(s.servers, lambda, mu);
      parts.push(
        s.servers === 1 ? `M/M/1 rho = ${rho.toFixed(2)}` : `M/M/${s.servers} rho = ${rho.toFixed(2)} (Erlang C)`,
      );
    } else if (d === 'deterministic') {
      sojournNs += md1Sojourn(lambda, mu);
      parts.push(`M/D/1 rho = ${rho.toFixed(2)} (Pollaczek-Khinchine)`);
    } else {
      sojournNs += mg1Sojourn(lambda, mu, secondMoment(d, s.service_mean));
      parts.push(
        `M/G/1 (${typeof d === 'string' ? d : `Erlang-${d.erlang}`}) rho = ${rho.toFixed(2)} (Pollaczek-Khinchine)`,
      );
    }
  }
  const formula = parts.length > 1 ? `tandem (Jackson): ${parts.join(' + ')}` : parts[0];
  return { metric: v.metric, value: sojournNs / 1e3, formula };
}

const sample = (metric: Theory['metric'], r: RunResult): number =>
  metric === 'loss_probability' ? lossOf(r) : r.latencyNs.mean / 1e3;

/**
 * Runs a validation scenario's independent replications and checks the theory against the
 * 95 % interval, and every replication against the operational laws.
 */
export function verify(exp: Experiment): VerifyResult {
  const v = exp.validation!;
  const theory = theoryFor(v);
  const samples: number[] = [];
  const lawFailures: string[] = [];
  for (let i = 0; i < v.replications; i++) {
    const cfg = { ...exp.config, seed: deriveSeed(exp.config.seed, 'replication', i) };
    const r = runPath(cfg, exp.paths[0]);
    for (const c of checkLaws(r, cfg, exp.paths[0]))
      if (!c.ok) lawFailures.push(`replication ${i}: ${c.law}: ${c.detail}`);
    samples.push(sample(theory.metric, r));
  }
  const sim = meanCi(samples);
  return { name: exp.name, theory, sim, ...judge(theory.value, sim, lawFailures), lawFailures };
}

/**
 * The verdict on a case: it passes when every replication kept the laws, the theory lies
 * inside the simulated 95 % interval (its ends included), and the interval's half-width is at
 * most MAX_RELATIVE_HALF_WIDTH of the mean.
 */
export function judge(theory: number, sim: MeanCi, lawFailures: string[]): { pass: boolean; why: string } {
  const inside = Math.abs(sim.mean - theory) <= sim.halfWidth;
  const tight = sim.halfWidth <= MAX_RELATIVE_HALF_WIDTH * sim.mean;
  const why =
    lawFailures.length > 0
      ? `a law does not hold: ${lawFailures[0]}`
      : !inside
        ? 'theory outside the 95 % interval'
        : !tight
          ? `interval wider than ${MAX_RELATIVE_HALF_WIDTH * 100} % of the mean`
          : 'ok';
  return { pass: inside && tight && lawFailures.length === 0, why };
}

/** One row of `iovsim verify`'s output: the case, theory, the simulated mean and its 95 % interval. */
export function verifyRow(r: VerifyResult): Row {
  const unit = r.theory.metric === 'loss_probability' ? '' : '_us';
  const sig = (x: number) => rounded(x);
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
