import { InputError } from '../errors.js';
import { meanFrameBytes, WIRE_OVERHEAD_BYTES, type ModelConfig } from '../model/config.js';
import { ringCapacity } from '../model/network.js';
import type { PathSpec } from '../model/path-spec.js';
import type { Experiment } from './resolve.js';

/**
 * The work a scenario asks for, estimated before anything runs, so that a typo (a duration
 * of 1e6 s, a sweep of 10,000 x 10,000 points, a window of a gigabyte per VM) is refused with
 * the estimate instead of running for days or exhausting memory.
 *
 * Events are counted as frame-hops: every frame the sources can offer in the run, times the
 * hops it meets (forward, plus the returning ACKs), times the runs (points, paths,
 * replications, a pilot for an automatic warm-up, the probes of a search). The simulator
 * handles a few million of them per second per core (`npm run bench`), so the default budget,
 * 2e10, is of the order of an hour or two.
 */
export const DEFAULT_MAX_EVENTS = 2e10;

/** Frames alive at once in one run: about 100 bytes each in the packet table and rings, so 2e7 is some 2 GB. */
export const MAX_LIVE_FRAMES = 2e7;

/** Probes a search makes at most: both ends, then bisection to its resolution (it stops when floating point cannot halve further). */
export function searchProbes(lo: number, hi: number, resolution: number, integer: boolean): number {
  const width = Math.max(hi - lo, 0);
  const step = integer ? Math.max(resolution, 1) : resolution;
  const halvings = width > step ? Math.ceil(Math.log2(width / step)) : 0;
  return 2 + Math.min(halvings, 1100);
}

const wireFps = (cfg: ModelConfig, bytes: number) => (cfg.nic.lineRateGbps * 1e9) / ((bytes + WIRE_OVERHEAD_BYTES) * 8);

/** Frames per second the wire carries at the scenario's smallest mean frame. */
export const lineRateFps = (cfg: ModelConfig): number =>
  wireFps(cfg, Math.min(...cfg.traffic.perVm.map((v) => meanFrameBytes(v.frames))));

/** Frames per second the sources of one run can offer at most: what they are told to, or what the wire can carry. */
function offeredFramesPerSec(cfg: ModelConfig): number {
  const t = cfg.traffic;
  if (t.mode === 'saturate') return lineRateFps(cfg);
  if (t.mode === 'request-response') {
    const rr = t.rr!;
    const perTransaction = 1 + rr.responseFrames;
    // A closed loop is held to the wire's rate; an open one offers its rate, whatever the wire.
    const wire = wireFps(cfg, Math.min(rr.requestFrameBytes, rr.responseFrameBytes));
    return rr.concurrency > 0 ? wire : Math.max(wire, cfg.vms * rr.ratePerVm * perTransaction);
  }
  return t.perVm.reduce((s, v) => s + v.pps, 0);
}

/** Frames one run can hold at once: the windows of a closed loop, or every ring full in an open one. */
export function liveFrames(cfg: ModelConfig, spec: PathSpec): number {
  const t = cfg.traffic;
  if (t.mode === 'saturate') {
    const smallest = Math.min(...t.perVm.map((v) => Math.min(...v.frames.bytes)));
    // The window's frames, and up to one ACK for each.
    return cfg.vms * Math.ceil(t.windowBytes / smallest) * 2;
  }
  if (t.mode === 'request-response' && t.rr!.concurrency > 0)
    return cfg.vms * t.rr!.concurrency * (1 + t.rr!.responseFrames);
  let frames = 0;
  for (const hop of [...spec.rx, ...spec.tx]) {
    if (hop.kind === 'delay') continue;
    const n = hop.kind === 'cpu' && hop.instances === 'per-vm' ? cfg.vms : 1;
    frames += n * ringCapacity(cfg, hop.ring);
  }
  return frames;
}

/** Estimated events of one run of `exp` on each of its paths, summed (at `fps` frames/s if given). */
export function runEvents(exp: Experiment, fps = offeredFramesPerSec(exp.config)): number {
  const cfg = exp.config;
  let events = 0;
  for (const p of exp.paths) {
    const hops =
      p.spec[cfg.traffic.direction].length + 0.5 * p.spec[cfg.traffic.direction === 'rx' ? 'tx' : 'rx'].length;
    events += fps * (cfg.durationNs / 1e9) * (hops + 1);
  }
  return events * (exp.warmupAuto ? 2 : 1);
}

/** One run of the study: an experiment, how many times it runs, and at what rate its sources offer at most. */
export interface BudgetItem {
  exp: Experiment;
  /** Runs of this experiment: search probes (each replicated as the experiment says). */
  runs: number;
  /** Frames/s its runs offer at most, when a search raises the load beyond the experiment's own. */
  fps?: number;
}

/**
 * Refuses a study whose estimated events exceed `maxEvents`, or one run whose live frames
 * would not fit in memory; the message gives the estimate and the way to allow it.
 */
export function checkBudget(items: BudgetItem[], maxEvents: number): void {
  let events = 0;
  for (const { exp, runs, fps } of items) {
    const reps = exp.precision ? exp.precision.maxReplications : exp.replications;
    events += runEvents(exp, fps) * reps * runs;
    for (const p of exp.paths) {
      const live = liveFrames(exp.config, p.spec);
      if (live > MAX_LIVE_FRAMES) {
        throw new InputError(
          '',
          `a run that fits in memory: at most ${MAX_LIVE_FRAMES.toExponential(0)} frames alive at once (VMs x window, or ring sizes)`,
          `about ${live.toExponential(2)} frames on path "${p.name}"`,
        );
      }
    }
  }
  if (events > maxEvents) {
    throw new InputError(
      '',
      `a study of at most ${maxEvents.toExponential(1)} events (duration, sweep points, paths, replications and search probes together; raise the limit with --max-events if you mean it)`,
      `about ${events.toExponential(2)} events (frames x hops x runs)`,
    );
  }
}

/** The limits on a whole study, as docs/scenarios.md lists them. */
export function limitsTable(limits: {
  scenarioBytes: number;
  sweepPoints: number;
  seed: number;
  maxEventsLimit: number;
}): string {
  const rows: [string, string, string][] = [
    [
      'scenario file size',
      `${limits.scenarioBytes / 1024 / 1024} MiB`,
      'larger files, and anything that is not a regular file (a FIFO, a device), are refused unread',
    ],
    [
      'sweep points',
      limits.sweepPoints.toLocaleString('en-US'),
      'the product of the swept lists (or the longest, with `sweep_mode: zip`)',
    ],
    [
      'work budget',
      `${DEFAULT_MAX_EVENTS.toExponential(0)} events`,
      `estimated frames x hops x runs for the whole study (points, paths, replications, a pilot for an automatic warm-up, search probes); \`run --max-events\` / \`validate --max-events\` raise it, up to ${limits.maxEventsLimit.toExponential(0)}`,
    ],
    [
      'frames alive at once',
      `${MAX_LIVE_FRAMES.toExponential(0)}`,
      'per run: VMs x window (closed loop) or every ring full (open loop); about 100 bytes each',
    ],
    ['seed', limits.seed.toLocaleString('en-US'), 'in the file and on the command line (`--seed`)'],
  ];
  return (
    ['| limit | at most | what counts |', '|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n') + '\n'
  );
}
