import type { ModelConfig } from '../model/config.js';
import { MAX_FRAME, WIRE_OVERHEAD_BYTES } from '../model/config.js';
import type { CostValues } from '../model/costs.js';
import { runHops } from '../model/network.js';
import { KIND_COUNT, PACKET_KINDS } from '../model/packets.js';
import { effectiveWork, type Amount, type CpuHop, type ServiceSpec, type WorkSpec } from '../model/path-spec.js';
import type { ResolvedPath, RunResult } from '../model/result.js';

/** One operational law checked on a run. `exact` laws hold to rounding; the others within a tolerance. */
export interface LawCheck {
  law: string;
  exact: boolean;
  ok: boolean;
  detail: string;
}

/** Little's law is checked only on runs with this many departures. */
export const MIN_PACKETS = 1000;
/** The utilization law only on cores that served this many packets (its allowance covers noise and edges explicitly). */
export const MIN_CORE_PACKETS = 100;
/**
 * Frames already inside when the window opens, or still inside when it closes, make L and
 * lambda W differ by up to about 2 W / T; Little's law is checked only where that edge
 * effect is well under its tolerance: the mean time in system of the frames that left, and
 * the mean age of those still inside at the close, both at most this share of the window.
 */
export const MAX_SOJOURN_SHARE = 0.005;
export const LITTLE_TOLERANCE = 0.02;
/** The utilization law's tolerance beyond its statistical and edge allowances. */
export const UTILIZATION_TOLERANCE = 0.01;
/** Standard deviations of service-time noise the utilization law allows. */
const SIGMAS = 5;
const EPS = 1e-9;

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** Squared coefficient of variation of a hop's service factor. */
export function serviceCv2(s: ServiceSpec | undefined): number {
  if (s === undefined || s === 'deterministic') return 0;
  if (s === 'exponential') return 1;
  if (s === 'uniform') return 1 / 3;
  return 1 / s.erlang;
}

/**
 * A hop's declared cost, read from its path spec and the cost table, for the utilization
 * law. Deliberately not the model's own cost code (model/work.ts): the law compares what the
 * cores spent with what the declared costs say they should have, so a mistake in turning
 * declarations into charges shows up as a broken law instead of agreeing with itself.
 */
export interface DeclaredCost {
  /** Per packet kind: cycles per packet, per ring entry, per byte. */
  packet: number[];
  entry: number[];
  byte: number[];
  /** Per wake-up (batch start) and per notification sent (charged to the producer). */
  wakeup: number;
  notify: number;
}

const value = (a: Amount | undefined, costs: CostValues, fallback: number): number =>
  a === undefined ? fallback : typeof a === 'number' ? a : costs[a];

export function declaredCost(
  hop: CpuHop,
  costs: CostValues,
  postedHost: boolean,
  checksumOffload = true,
): DeclaredCost {
  const d: DeclaredCost = {
    packet: new Array(KIND_COUNT).fill(0),
    entry: new Array(KIND_COUNT).fill(0),
    byte: new Array(KIND_COUNT).fill(0),
    wakeup: 0,
    notify: 0,
  };
  PACKET_KINDS.forEach((kind, k) => {
    for (const w of effectiveWork(hop, checksumOffload)) {
      if (w.kinds !== undefined && !w.kinds.includes(kind)) continue;
      const n = value(w.count, costs, 1);
      (w.per_descriptor ? d.entry : d.packet)[k] += value(w.cycles, costs, 0) * n;
      d.byte[k] += value(w.cycles_per_byte, costs, 0) * n;
    }
  });
  const posted = hop.notify.posted === true && postedHost;
  const batch = (list: WorkSpec[] | undefined, skipPosted: boolean) =>
    sum(
      (list ?? [])
        .filter((w) => !(skipPosted && w.unless_posted))
        .map((w) => value(w.cycles, costs, 0) * value(w.count, costs, 1)),
    );
  if (hop.notify.kind !== 'poll') {
    d.wakeup = batch(hop.notify.consumer, posted);
    d.notify = batch(hop.notify.producer, false);
  }
  return d;
}

/**
 * The operational laws a run must obey. Accounting identities, kept as checks that the
 * bookkeeping is whole:
 * - conservation of frames (offered = delivered + dropped + in flight) and of ACKs, exactly;
 * - flow balance per hop: frames in = out + dropped + the change of what it holds, exactly;
 * - the frames in the system are the frames in its places (rings, delays, wires), exactly;
 * - frames delivered = frames leaving the last hop of the data's direction, exactly.
 * Laws that can fail, because each side is measured by other means:
 * - no core above 100 % and no more than line rate on the wire (busy time on the clock);
 * - the utilization law: each core's busy time on the clock = the work it served, counted
 *   packet by packet, times the declared cost of that work (cost table and path spec, read
 *   independently of the model's cost code), within service-time noise and 1 %;
 * - Little's law: the time-average frames in the places where frames wait = the arrival
 *   rate of frames x their mean time in system from per-frame timestamps, within 2 %, where
 *   the window is long against the time in system.
 */
export function checkLaws(r: RunResult, cfg?: ModelConfig, path?: ResolvedPath): LawCheck[] {
  const c = r.conservation;
  const checks: LawCheck[] = [
    {
      law: 'conservation',
      exact: true,
      ok: c.offered === c.delivered + c.dropped + c.inFlight,
      detail: `frames offered ${c.offered}, delivered ${c.delivered}, dropped ${c.dropped}, in flight ${c.inFlight}`,
    },
    {
      law: 'conservation of ACKs',
      exact: true,
      ok: c.acksSent === c.acksReceived + c.acksDropped + c.acksInFlight,
      detail: `ACKs sent ${c.acksSent}, received ${c.acksReceived}, dropped ${c.acksDropped}, in flight ${c.acksInFlight}`,
    },
  ];
  const f = r.flow;
  r.hops.forEach((hop, h) => {
    const held = f.placeAtClose[h] - f.placeAtOpen[h];
    const balance = f.hopIn[h] - f.hopOut[h] - f.drops[h] - held;
    checks.push({
      law: `flow balance, hop ${hop.chain === 'reverse' ? 'return ' : ''}${hop.name}`,
      exact: true,
      ok: Math.abs(balance) < 1e-6,
      detail: `in ${f.hopIn[h]}, out ${f.hopOut[h]}, dropped ${f.drops[h]}, held ${held}`,
    });
  });
  const lastForward = r.hops.reduce((last, hop, h) => (hop.chain === 'forward' ? h : last), -1);
  if (lastForward >= 0) {
    checks.push({
      law: 'delivered = out of the last hop',
      exact: true,
      ok: r.deliveredPackets === f.hopOut[lastForward],
      detail: `delivered ${r.deliveredPackets} frames, last hop passed on ${f.hopOut[lastForward]}`,
    });
  }
  const placeArea = sum(f.placeArea);
  const systemArea = r.meanInSystem * r.windowNs;
  checks.push({
    law: 'frames in system are in places',
    exact: true,
    ok: Math.abs(placeArea - systemArea) <= 1e-6 * Math.max(1, systemArea),
    detail: `in system ${systemArea.toExponential(6)} frame-ns, in places ${placeArea.toExponential(6)}`,
  });

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

  if (cfg && path) checks.push(...utilizationLaw(r, cfg, path));

  if (r.departures >= MIN_PACKETS) {
    const meanSojourn = r.departuresSojournNs / r.departures;
    // Frames stuck for much of the window (a ring whose consumer starves) count in L but
    // never in W: the law then describes the window's edges, not the system.
    const meanAgeInside = r.inFlightAtClose > 0 ? r.inFlightAgeNs / r.inFlightAtClose : 0;
    if (meanSojourn <= MAX_SOJOURN_SHARE * r.windowNs && meanAgeInside <= MAX_SOJOURN_SHARE * r.windowNs) {
      const lPlaces = placeArea / r.windowNs;
      const lambda = r.offeredPackets / r.windowNs;
      const little = lambda * meanSojourn;
      const err = Math.abs(lPlaces - little) / lPlaces;
      checks.push({
        law: "Little's law",
        exact: false,
        ok: err <= LITTLE_TOLERANCE,
        detail: `L (in places) = ${lPlaces.toFixed(3)}, lambda (arrivals) x W (timestamps) = ${little.toFixed(3)}, error ${(100 * err).toFixed(3)} %`,
      });
    }
  }
  return checks;
}

/** The utilization law per core: busy time on the clock against served work times declared cost. */
function utilizationLaw(r: RunResult, cfg: ModelConfig, path: ResolvedPath): LawCheck[] {
  const hops = runHops(cfg, path);
  const cores = r.coreBusyNs.length;
  const out: LawCheck[] = [];
  const predicted = new Array(cores).fill(0);
  const variance = new Array(cores).fill(0);
  const largest = new Array(cores).fill(0);
  const packets = new Array(cores).fill(0);
  hops.forEach((hop, h) => {
    if (hop.spec.kind !== 'cpu') return;
    const d = declaredCost(hop.spec, path.costs, cfg.host.postedInterrupts, cfg.nic.checksumOffload);
    const cv2 = serviceCv2(hop.spec.service);
    for (let k = 0; k < cores; k++) {
      const slot = h * cores + k;
      let hopCycles = 0;
      let hopPackets = 0;
      for (let kind = 0; kind < KIND_COUNT; kind++) {
        const i = slot * KIND_COUNT + kind;
        const n = r.served.packets[i];
        if (n === 0) continue;
        const cycles = n * d.packet[kind] + r.served.entries[i] * d.entry[kind] + r.served.bytes[i] * d.byte[kind];
        hopCycles += cycles;
        hopPackets += n;
        // Var of a sum of n factors of mean 1 and CV^2, each scaling one packet's mean cost.
        variance[k] += cv2 * n * (cycles / n) ** 2;
      }
      const batches = r.served.wakeups[slot] * d.wakeup;
      const notifies = r.served.notifies[slot] * d.notify;
      predicted[k] += hopCycles + batches + notifies;
      packets[k] += hopPackets;
      if (hopPackets > 0) largest[k] = Math.max(largest[k], hopCycles / hopPackets + d.wakeup + d.notify);
    }
  });
  for (let k = 0; k < cores; k++) {
    const busyCycles = r.coreBusyNs[k] * r.clockGhz;
    if (packets[k] < MIN_CORE_PACKETS || busyCycles < 1e-3 * r.windowNs * r.clockGhz) continue;
    // A turn straddling each edge of the window is counted pro rata on the clock, whole in the counts.
    const allowance = UTILIZATION_TOLERANCE * predicted[k] + SIGMAS * Math.sqrt(variance[k]) + 4 * largest[k];
    const err = busyCycles - predicted[k];
    out.push({
      law: `utilization law, core ${k}`,
      exact: false,
      ok: Math.abs(err) <= allowance,
      detail: `busy ${busyCycles.toExponential(6)} cycles on the clock, served work x declared costs ${predicted[k].toExponential(6)}, error ${((100 * err) / predicted[k]).toFixed(3)} % (allowed ${((100 * allowance) / predicted[k]).toFixed(3)} %)`,
    });
  }
  return out;
}
