import { MAX_FRAME, WIRE_OVERHEAD_BYTES } from '../model/config.js';
import type { RunResult } from '../model/result.js';

/** One operational law checked on a run. `exact` laws hold to rounding; the others within a tolerance. */
export interface LawCheck {
  law: string;
  exact: boolean;
  ok: boolean;
  detail: string;
}

/** Little's law and the utilization law are checked only on runs with this many departures. */
const MIN_DEPARTURES = 1000;
/**
 * Packets already inside when the window opens, or still inside when it closes, make
 * L and lambda W differ by up to about 2 W / T; Little's law is checked only where that
 * edge effect is well under its tolerance.
 */
const MAX_SOJOURN_SHARE = 0.005;
export const LITTLE_TOLERANCE = 0.02;
export const UTILIZATION_TOLERANCE = 0.01;
const EPS = 1e-9;

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * The operational laws every run must obey:
 * - conservation: offered = delivered + dropped + in flight, exactly;
 * - no core above 100 % and no more than line rate through the wire (delivered rate can
 *   exceed line rate over a window by the packets that crossed the wire before it opened);
 * - the utilization law: each core's busy time on the clock = its throughput x demand
 *   (cycles charged per packet / clock), within 1 %;
 * - Little's law: mean packets in the system = departure rate x mean time in system,
 *   within 2 % (dropped packets count as departures, with the time they spent inside),
 *   where the window is long enough against the time in system for the law to apply.
 */
export function checkLaws(r: RunResult): LawCheck[] {
  const c = r.conservation;
  const checks: LawCheck[] = [
    {
      law: 'conservation',
      exact: true,
      ok: c.offered === c.delivered + c.dropped + c.inFlight,
      detail: `offered ${c.offered}, delivered ${c.delivered}, dropped ${c.dropped}, in flight ${c.inFlight}`,
    },
  ];
  r.coreBusyNs.forEach((busy, i) => {
    checks.push({
      law: `core ${i} at most 100 %`,
      exact: true,
      ok: busy <= r.windowNs * (1 + EPS),
      detail: `${((100 * busy) / r.windowNs).toFixed(4)} %`,
    });
  });
  // The frames the wire finished in the window took their serialization time, all of it
  // inside the window but for the packet (a frame, or a TSO segment's frames) that was
  // already on the wire when it opened.
  const sentNs = ((r.wireBytes + WIRE_OVERHEAD_BYTES * r.wireFrames) * 8) / r.lineRateGbps;
  const longestFrameNs = (r.framesPerPacket * (MAX_FRAME + WIRE_OVERHEAD_BYTES) * 8) / r.lineRateGbps;
  checks.push({
    law: 'wire at most line rate',
    exact: true,
    ok: r.wireBusyNs <= r.windowNs * (1 + EPS) && sentNs <= r.wireBusyNs + longestFrameNs + EPS * r.windowNs,
    detail: `wire busy ${((100 * r.wireBusyNs) / r.windowNs).toFixed(4)} %, frames sent take ${((100 * sentNs) / r.windowNs).toFixed(4)} %`,
  });
  if (r.departures >= MIN_DEPARTURES) {
    r.coreCycles.forEach((cycles, i) => {
      const busy = r.coreBusyNs[i];
      if (busy < 1e-3 * r.windowNs) return;
      const x = r.deliveredPackets / r.windowNs;
      const demandNs = sum(cycles) / r.clockGhz / r.deliveredPackets;
      const err = Math.abs(busy / r.windowNs - x * demandNs) / (busy / r.windowNs);
      checks.push({
        law: `utilization law, core ${i}`,
        exact: false,
        ok: err <= UTILIZATION_TOLERANCE,
        detail: `error ${(100 * err).toFixed(3)} %`,
      });
    });
    const meanSojourn = r.departuresSojournNs / r.departures;
    if (meanSojourn > MAX_SOJOURN_SHARE * r.windowNs) return checks;
    const little = (r.departures / r.windowNs) * meanSojourn;
    const err = Math.abs(r.meanInSystem - little) / r.meanInSystem;
    checks.push({
      law: "Little's law",
      exact: false,
      ok: err <= LITTLE_TOLERANCE,
      detail: `L = ${r.meanInSystem.toFixed(3)}, lambda W = ${little.toFixed(3)}, error ${(100 * err).toFixed(3)} %`,
    });
  }
  return checks;
}
