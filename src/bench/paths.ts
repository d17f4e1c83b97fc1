import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPath } from '../model/network.js';
import type { ResolvedPath } from '../model/result.js';
import { parseOverrides } from '../scenario/overrides.js';
import { planFile } from '../scenario/plan.js';
import type { Experiment } from '../scenario/resolve.js';

/** The quickstart configuration (10 GbE, 1518-B frames, 4 VMs, saturating), run for `duration`. */
export function quickstart(duration: string, paths?: string[]): Experiment {
  const file = fileURLToPath(new URL('../../scenarios/quickstart.yaml', import.meta.url));
  return planFile(file, parseOverrides({ duration, modes: paths })).points[0].exp;
}

/**
 * A 1518-B receive scenario written to `dir`: `cores` cores at 2.9 GHz (the first eighth of
 * them, at least 4, for the hypervisor's I/O), `vms` VMs, one path; saturating, or open loop
 * at `ppsPerVm` packets/s per VM.
 */
export function hostScenario(
  dir: string,
  o: {
    name: string;
    lineRate: string;
    cores: number;
    vms: number;
    path: string;
    duration: string;
    warmup?: string;
    ppsPerVm?: number;
  },
): Experiment {
  const file = join(dir, `${o.name}.yaml`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    [
      `name: ${o.name}`,
      'seed: 1',
      `duration: ${o.duration}`,
      `warmup: ${o.warmup ?? '2 ms'}`,
      `host: { cores: ${o.cores}, clock: 2.9 GHz, hypervisor_cores: ${Math.max(4, o.cores / 8)} }`,
      `nic: { line_rate: ${o.lineRate}, vmdq_pools: 4096, vfs: 4096 }`,
      `vms: { count: ${o.vms} }`,
      `traffic: { direction: rx, ${o.ppsPerVm === undefined ? 'load: saturate' : `load_per_vm: ${o.ppsPerVm} pps`}, frame_bytes: 1518 }`,
      `paths: [${o.path}]`,
      '',
    ].join('\n'),
  );
  return planFile(file, {}).points[0].exp;
}

export interface PathSpeed {
  path: string;
  simulatedSeconds: number;
  wallSeconds: number;
  packets: number;
  events: number;
}

/** Runs one path and times it on the wall clock (outside the simulation). */
export function timePath(exp: Experiment, path: ResolvedPath): PathSpeed {
  const t0 = performance.now();
  const r = runPath(exp.config, path);
  const wallSeconds = (performance.now() - t0) / 1000;
  return {
    path: path.name,
    simulatedSeconds: exp.config.durationNs / 1e9,
    wallSeconds,
    packets: r.conservation.delivered,
    events: r.events,
  };
}
