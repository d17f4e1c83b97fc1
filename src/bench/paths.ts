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
