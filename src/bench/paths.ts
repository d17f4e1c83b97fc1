import { fileURLToPath } from 'node:url';
import { runPath, type ResolvedPath } from '../model/network.js';
import { loadScenarioFile } from '../scenario/load.js';
import { resolveScenario, type Experiment } from '../scenario/resolve.js';

/** The quickstart configuration (10 GbE, 1518-B frames, 4 VMs, saturating), run for `duration`. */
export function quickstart(duration: string, paths?: string[]): Experiment {
  const file = fileURLToPath(new URL('../../scenarios/quickstart.yaml', import.meta.url));
  return resolveScenario(loadScenarioFile(file), { duration, paths });
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
