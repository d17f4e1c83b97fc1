import { InputError } from '../errors.js';
import type { ModelConfig } from '../model/config.js';
import type { RingRef } from '../model/path-spec.js';
import type { ResolvedPath } from '../model/result.js';
import { describe } from './load.js';
import type { ServiceDistribution, ValidationSpec } from './schema.js';

/** A queue is taken as unbounded for theory when its ring holds at least this many packets. */
export const UNBOUNDED = 100_000;

const fail = (path: string, expected: string, found: unknown): never => {
  throw new InputError(path, expected, describe(found));
};

const sameDistribution = (a: ServiceDistribution, b: ServiceDistribution | undefined): boolean =>
  JSON.stringify(a) === JSON.stringify(b ?? 'deterministic');

function ringCapacity(cfg: ModelConfig, ref: RingRef): number {
  if (typeof ref === 'number') return ref;
  return {
    nic_rx: cfg.nic.rxRing,
    nic_tx: cfg.nic.txRing,
    vring: cfg.host.vringDescriptors,
    switch_buffer: cfg.nic.switchBuffer,
    socket_buffer: cfg.traffic.socketBuffer,
  }[ref];
}

/**
 * A validation scenario declares the queueing model its theory uses (arrival rate, each
 * station's mean service time, distribution, servers and capacity). Its structure must be
 * the one the scenario simulates: one path of shared cpu hops, one per station, with the
 * declared servers, distribution and capacity, fed by open-loop Poisson traffic. The rates
 * are not compared: whether the simulator turns the hops' cycles into the declared service
 * times is what `verify` tests. And the model must have a closed form.
 */
export function checkValidation(v: ValidationSpec, cfg: ModelConfig, paths: ResolvedPath[]): void {
  if (paths.length !== 1)
    fail(
      'paths',
      'exactly one path in a validation scenario',
      paths.map((p) => p.name),
    );
  if (cfg.traffic.mode !== 'open')
    fail('traffic.load', 'an open-loop load in a validation scenario (the M of M/M/1)', 'saturate');
  cfg.traffic.perVm.forEach((t, i) => {
    if (t.arrivals.kind !== 'poisson')
      fail(
        i === 0 ? 'traffic.arrivals' : `per_vm`,
        'Poisson arrivals in a validation scenario (the M of M/M/1)',
        t.arrivals.kind,
      );
  });
  const path = paths[0];
  const dir = cfg.traffic.direction;
  const hops = path.spec[dir];
  if (hops.length !== v.stations.length) {
    fail(
      'validation.stations',
      `one station per hop of path "${path.name}" (${hops.length})`,
      `${v.stations.length} stations`,
    );
  }
  hops.forEach((hop, i) => {
    const where = `validation.stations[${i}]`;
    if (hop.kind !== 'cpu' || hop.instances !== 'shared')
      fail(where, `a shared cpu hop at ${dir}[${i}] of path "${path.name}"`, hop.kind);
    if (hop.kind !== 'cpu') return;
    const st = v.stations[i];
    if ((hop.servers ?? 1) !== st.servers)
      fail(`${where}.servers`, `the servers of hop "${hop.name}" (${hop.servers ?? 1})`, st.servers);
    if (!sameDistribution(st.distribution, hop.service))
      fail(
        `${where}.distribution`,
        `the service of hop "${hop.name}" (${JSON.stringify(hop.service ?? 'deterministic')})`,
        st.distribution,
      );
    const ring = ringCapacity(cfg, hop.ring);
    if (st.capacity !== undefined && ring !== st.capacity)
      fail(`${where}.capacity`, `the ring of hop "${hop.name}" (${ring})`, st.capacity);
    if (st.capacity === undefined && ring < UNBOUNDED)
      fail(
        `${where}.capacity`,
        `the capacity ${ring} of hop "${hop.name}" (or a ring of at least ${UNBOUNDED}, taken as unbounded)`,
        'nothing',
      );
  });
  const exponential = (d: ServiceDistribution) => d === 'exponential';
  if (v.metric === 'loss_probability') {
    const s = v.stations[0];
    if (v.stations.length !== 1 || !exponential(s.distribution) || s.servers !== 1 || s.capacity === undefined) {
      fail(
        'validation.metric',
        'loss_probability for one exponential single-server station with a capacity (M/M/1/K)',
        v.metric,
      );
    }
    return;
  }
  v.stations.forEach((s, i) => {
    const where = `validation.stations[${i}]`;
    if (s.capacity !== undefined)
      fail(
        `${where}.capacity`,
        'no capacity for mean_time_in_system (the closed forms assume an unbounded queue)',
        s.capacity,
      );
    const rho = (v.arrival_rate * s.service_mean) / 1e9 / s.servers;
    if (!(rho < 1))
      fail(
        `${where}.service_mean`,
        `a utilization below 1 for mean_time_in_system (here lambda x mean / servers = ${rho.toPrecision(4)})`,
        `${s.service_mean} ns`,
      );
    if (v.stations.length > 1 && !exponential(s.distribution)) {
      fail(
        `${where}.distribution`,
        'exponential service at every station of a tandem (Jackson networks)',
        s.distribution,
      );
    }
    if (!exponential(s.distribution) && s.servers !== 1)
      fail(`${where}.servers`, '1 server for non-exponential service (M/G/1)', s.servers);
  });
}
