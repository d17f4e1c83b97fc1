import { deriveSeed } from '../engine/rng.js';
import { InputError } from '../errors.js';
import { meanFrameBytes } from '../model/config.js';
import { runPath, workCycles, type RunResult } from '../model/network.js';
import type { Experiment } from '../scenario/resolve.js';
import { meanCi, type MeanCi } from '../stats/confidence.js';
import { md1Sojourn, mm1kLoss, mmcSojourn } from '../stats/queueing.js';

/** A queue is taken as unbounded for theory when its ring holds at least this many packets. */
const UNBOUNDED = 100_000;
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
}

/**
 * The analytic answer for a validation scenario, derived from the scenario itself: the
 * arrival rate from its traffic, and each station's service rate, servers, capacity and
 * service distribution from its path's hops. Tandem stations add up (Jackson's theorem).
 */
export function theoryFor(exp: Experiment): Theory {
  const v = exp.validation;
  const where = exp.name;
  if (!v) throw new InputError('validation', 'a validation: block (this scenario is not a queueing check)', 'nothing', undefined);
  const cfg = exp.config;
  if (exp.paths.length !== 1) throw new InputError('paths', 'exactly one path in a validation scenario', String(exp.paths.length));
  if (cfg.traffic.mode !== 'open' || cfg.traffic.perVm.some((t) => t.arrivals.kind !== 'poisson')) {
    throw new InputError('traffic.arrivals', 'open-loop Poisson arrivals (the M in M/M/1)', `${where}: ${cfg.traffic.mode}`);
  }
  const lambda = cfg.traffic.perVm.reduce((s, t) => s + t.pps, 0) / 1e9; // per ns
  const path = exp.paths[0];
  const hops = cfg.traffic.direction === 'rx' ? path.spec.rx : path.spec.tx;
  const stations = hops.map((hop, i) => {
    if (hop.kind !== 'cpu' || hop.instances !== 'shared') {
      throw new InputError(`custom_paths.${path.name}.${cfg.traffic.direction}[${i}]`, 'only shared cpu hops in a validation path', hop.kind);
    }
    const bytes = meanFrameBytes(cfg.traffic.perVm[0].frames);
    const meanNs = workCycles(hop.work, path.costs, bytes) / cfg.host.clockGhz;
    const capacity = hop.ring === 'nic_rx' ? cfg.nic.rxRing : typeof hop.ring === 'number' ? hop.ring : NaN;
    return { mu: 1 / meanNs, servers: hop.servers ?? 1, capacity, service: hop.service ?? 'deterministic', name: hop.name };
  });

  if (v.metric === 'loss_probability') {
    const s = stations[0];
    if (stations.length !== 1 || s.service !== 'exponential' || s.servers !== 1 || !(s.capacity < UNBOUNDED)) {
      throw new InputError('validation.metric', 'loss_probability for one exponential single-server station with a finite ring (M/M/1/K)', where);
    }
    return { metric: v.metric, value: mm1kLoss(lambda, s.mu, s.capacity), formula: `M/M/1/K, K = ${s.capacity}, rho = ${(lambda / s.mu).toFixed(3)}` };
  }
  let sojournNs = 0;
  const parts: string[] = [];
  for (const s of stations) {
    const rho = lambda / (s.servers * s.mu);
    if (!(s.capacity >= UNBOUNDED)) throw new InputError('validation.metric', `an unbounded ring (>= ${UNBOUNDED}) at station ${s.name} for mean_time_in_system`, String(s.capacity));
    if (s.service === 'exponential') {
      sojournNs += mmcSojourn(s.servers, lambda, s.mu);
      parts.push(s.servers === 1 ? `M/M/1 rho = ${rho.toFixed(2)}` : `M/M/${s.servers} rho = ${rho.toFixed(2)} (Erlang C)`);
    } else if (s.service === 'deterministic' && s.servers === 1) {
      sojournNs += md1Sojourn(lambda, s.mu);
      parts.push(`M/D/1 rho = ${rho.toFixed(2)} (Pollaczek-Khinchine)`);
    } else {
      throw new InputError('validation', 'stations that are M/M/c or M/D/1', `${s.name}: ${JSON.stringify(s.service)}, ${s.servers} servers`);
    }
  }
  const formula = parts.length > 1 ? `tandem (Jackson): ${parts.join(' + ')}` : parts[0];
  return { metric: v.metric, value: sojournNs / 1e3, formula };
}

const sample = (metric: Theory['metric'], r: RunResult): number =>
  metric === 'loss_probability'
    ? Object.values(r.drops).reduce((a, b) => a + b, 0) / r.offeredPackets
    : r.latencyNs.mean / 1e3;

/** Runs a validation scenario's independent replications and checks theory against the 95 % interval. */
export function verify(exp: Experiment): VerifyResult {
  const theory = theoryFor(exp);
  const reps = exp.validation!.replications;
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const cfg = { ...exp.config, seed: deriveSeed(exp.config.seed, 'replication', i) };
    samples.push(sample(theory.metric, runPath(cfg, exp.paths[0])));
  }
  const sim = meanCi(samples);
  const inside = Math.abs(sim.mean - theory.value) <= sim.halfWidth;
  const tight = sim.halfWidth <= MAX_RELATIVE_HALF_WIDTH * sim.mean;
  const why = !inside ? 'theory outside the 95 % interval' : !tight ? `interval wider than ${MAX_RELATIVE_HALF_WIDTH * 100} % of the mean` : 'ok';
  return { name: exp.name, theory, sim, pass: inside && tight, why };
}
