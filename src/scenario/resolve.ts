import { InputError } from '../errors.js';
import type { MetricName } from '../metrics/metrics.js';
import { HOST_CATALOG, ITR_PRESETS, NIC_CATALOG } from '../model/catalog.js';
import {
  DELAYED_ACK_NS,
  meanFrameBytes,
  tcpPayloadBytes,
  WIRE_OVERHEAD_BYTES,
  type Arrivals,
  type FrameMix,
  type ModelConfig,
  type Moderation,
  type RequestResponse,
  type VmTraffic,
} from '../model/config.js';
import { resolveCosts, type CostName, type CostValues } from '../model/costs.js';
import type { HopSpec, PathSpec } from '../model/path-spec.js';
import { CPU_PLATFORMS, platformCosts } from '../model/platforms.js';
import { BUILTIN_PATH_NAMES, BUILTIN_PATHS, DEFAULT_PATH_NAMES, type BuiltinPathName } from '../model/paths.js';
import type { ResolvedPath } from '../model/result.js';
import { checkPath } from './checks.js';
import { describe } from './load.js';
import {
  ITR_ADAPTIVE,
  type ArrivalsInput,
  type FramesInput,
  type PathFile,
  type RequestRate,
  type Scenario,
  type SearchSpec,
  type ValidationSpec,
} from './schema.js';
import { formatRate, type Rate } from './units.js';
import { checkValidation } from './validation.js';

/** A scenario turned into what the model runs: one config and the paths to run it on, every number in base units. */
export interface Experiment {
  name: string;
  description: string;
  config: ModelConfig;
  paths: ResolvedPath[];
  validation?: ValidationSpec;
  /** Choose the warm-up per run by MSER-5 on a pilot run (config.warmupNs is then 0). */
  warmupAuto: boolean;
  replications: number;
  precision?: { metric: MetricName; relativeHalfWidth: number; maxReplications: number };
  search?: SearchSpec;
  reference?: Scenario['reference'];
  /** What a user should know about how the scenario was read, for stderr (not errors). */
  notes: string[];
}

/** What the command line may change in a scenario, already parsed (scenario/overrides.ts). */
export interface Overrides {
  seed?: number;
  /** Path names to run instead of the scenario's `paths`. */
  paths?: string[];
  /** Simulated duration in ns instead of the scenario's. */
  durationNs?: number;
  /** The work budget of a study in estimated events (scenario/budget.ts); default DEFAULT_MAX_EVENTS. */
  maxEvents?: number;
  /** Factors on costs after everything else (a sensitivity study: every cost x 0.75, say). */
  costFactors?: Partial<Record<CostName, number>>;
}

export interface ResolveOptions {
  /** Check the NIC's per-VM resources (VMDq pools, VFs); a capacity search over the VM count stops at them itself. */
  nicLimits?: boolean;
  /** The path files custom paths start from, read by the plan (resolution reads no files). */
  pathFiles?: ReadonlyMap<string, PathFile>;
}

/** Simple IMIX: 64, 594 and 1518-byte frames in the ratio 7:4:1. */
export const IMIX: FrameMix = { bytes: [64, 594, 1518], weights: [7, 4, 1] };

const isRate = (v: unknown): v is Rate =>
  typeof v === 'object' && v !== null && ('bitsPerSec' in v || 'packetsPerSec' in v);

/** Refuses a value; a typed rate is shown as the text it was written as ("1 Gbit/s"). */
const fail = (path: string, expected: string, found: unknown): never => {
  throw new InputError(path, expected, describe(isRate(found) ? formatRate(found) : found));
};

function frameMix(f: FramesInput): FrameMix {
  if (f === 'imix') return IMIX;
  if (typeof f === 'number') return { bytes: [f], weights: [1] };
  return { bytes: f.map((e) => e.bytes), weights: f.map((e) => e.weight) };
}

function arrivalsOf(a: ArrivalsInput): Arrivals {
  if (a === 'constant' || a === 'poisson') return { kind: a };
  return { kind: 'on-off', onNs: a.on_off.on, offNs: a.on_off.off };
}

/** Packets/s for a rate given in bits/s (of frames) or packets/s. */
const ppsOf = (r: Rate, frames: FrameMix): number =>
  'packetsPerSec' in r ? r.packetsPerSec : r.bitsPerSec / (8 * meanFrameBytes(frames));

/**
 * Resolves a validated scenario into an experiment. Every rule that involves more than one
 * field is checked here (or in the checks it calls), so the model and the experiment code
 * see only numbers that make sense; each failure names its field.
 */
export function resolveScenario(s: Scenario, o: Overrides = {}, opts: ResolveOptions = {}): Experiment {
  const durationNs = o.durationNs ?? s.duration;
  const warmupAuto = s.warmup === 'auto';
  const warmupNs = s.warmup === 'auto' ? 0 : s.warmup;
  if (warmupNs >= durationNs)
    fail('warmup', `a warm-up shorter than the duration (${durationNs / 1e6} ms)`, `${warmupNs / 1e6} ms`);

  const hostModel = HOST_CATALOG[s.host.model];
  const platform = s.host.cpu !== undefined ? CPU_PLATFORMS[s.host.cpu] : undefined;
  const cores = s.host.cores ?? (platform ? platform.cores.value : hostModel.cores);
  const clockGhz = s.host.clock ?? (platform ? platform.clock_ghz.value : hostModel.clockGhz);
  const nicModel = NIC_CATALOG[s.nic.model];
  // By default the hypervisor's I/O threads run on the cores its VMs leave free.
  const hypervisorCores =
    s.host.hypervisor_cores === 'auto' ? Math.max(1, cores - s.vms.count) : s.host.hypervisor_cores;
  if (hypervisorCores > cores) fail('host.hypervisor_cores', `at most host.cores = ${cores}`, hypervisorCores);
  let vcpuCores: number[];
  if (s.host.vcpu_cores === 'auto') {
    // A hypervisor's scheduler spreads vCPUs over every core: first the cores its I/O work
    // leaves free, then (with more VMs than free cores) the I/O cores too, then round again.
    const free = Array.from({ length: cores - hypervisorCores }, (_, i) => hypervisorCores + i);
    const io = Array.from({ length: hypervisorCores }, (_, i) => i);
    vcpuCores = [...free, ...io];
  } else {
    vcpuCores = s.host.vcpu_cores;
    vcpuCores.forEach((c, i) => {
      if (c >= cores) fail(`host.vcpu_cores[${i}]`, `a core index below host.cores = ${cores}`, c);
    });
  }

  const vms = s.vms.count;
  const t = s.traffic;
  if (t.load !== undefined && t.load_per_vm !== undefined) {
    fail(
      'traffic.load_per_vm',
      'either traffic.load (for all VMs together) or traffic.load_per_vm, not both',
      t.load_per_vm,
    );
  }
  const rrMode = t.kind === 'request_response';
  const mode: ModelConfig['traffic']['mode'] = rrMode
    ? 'request-response'
    : t.load === 'saturate' || (t.load === undefined && t.load_per_vm === undefined)
      ? 'saturate'
      : 'open';
  if (rrMode) {
    if (t.direction !== 'rx')
      fail(
        'traffic.direction',
        'rx with request_response (the VM serves: requests come in from the wire)',
        t.direction,
      );
    if (t.load !== undefined)
      fail(
        'traffic.load',
        'no load with request_response (set traffic.request_response.concurrency or rate_per_vm)',
        t.load,
      );
    if (t.load_per_vm !== undefined)
      fail(
        'traffic.load_per_vm',
        'no load_per_vm with request_response (set traffic.request_response.rate_per_vm)',
        t.load_per_vm,
      );
    const q = t.request_response;
    if (q.concurrency !== undefined && q.rate_per_vm !== undefined) {
      fail(
        'traffic.request_response.rate_per_vm',
        'either concurrency (closed loop) or rate_per_vm (open loop), not both',
        q.rate_per_vm,
      );
    }
    if (typeof t.frame_bytes !== 'number' || s.per_vm.some((p) => p.frame_bytes !== undefined)) {
      fail(
        'traffic.frame_bytes',
        'one frame size for all VMs with request_response (it sizes the response frames)',
        t.frame_bytes,
      );
    }
  }
  const lineRateGbps = s.nic.line_rate !== undefined ? s.nic.line_rate / 1e9 : nicModel.lineRateGbps;

  const overrides = new Map<number, Scenario['per_vm'][number]>();
  s.per_vm.forEach((p, i) => {
    if (p.vm >= vms) fail(`per_vm[${i}].vm`, `a VM index below vms.count = ${vms}`, p.vm);
    if (overrides.has(p.vm)) fail(`per_vm[${i}].vm`, 'each VM listed once', p.vm);
    if (p.rate !== undefined && mode === 'saturate') {
      fail(`per_vm[${i}].rate`, 'no per-VM rate when traffic.load is "saturate" (the window sets the load)', p.rate);
    }
    if (p.rate !== undefined && rrMode) fail(`per_vm[${i}].rate`, 'no per-VM rate with request_response', p.rate);
    overrides.set(p.vm, p);
  });

  // Segmentation offload: the stack sends segments that the NIC cuts into frames of frame_bytes.
  let tsoFrames = 1;
  if (t.tso_segment_bytes !== undefined) {
    if (t.direction !== 'tx' && !rrMode)
      fail('traffic.tso_segment_bytes', 'no TSO segment size for receive (it offloads transmit)', t.tso_segment_bytes);
    const frame = t.frame_bytes;
    if (typeof frame !== 'number' || s.per_vm.some((p) => p.frame_bytes !== undefined)) {
      fail('traffic.frame_bytes', 'one frame size for all VMs when traffic.tso_segment_bytes is set', t.frame_bytes);
    }
    tsoFrames = Math.ceil(t.tso_segment_bytes / tcpPayloadBytes(frame as number));
    if (!Number.isFinite(tsoFrames))
      fail('traffic.frame_bytes', 'frames that carry TCP payload (more than 70 B) with TSO', frame);
  }
  const perVm: VmTraffic[] = [];
  for (let vm = 0; vm < vms; vm++) {
    const p = overrides.get(vm);
    const frames = frameMix(p?.frame_bytes ?? t.frame_bytes);
    let pps = 0;
    if (p?.rate !== undefined) pps = ppsOf(p.rate, frames);
    else if (t.load_per_vm !== undefined) pps = ppsOf(t.load_per_vm, frames);
    else if (t.load === 'line-rate')
      pps = (lineRateGbps * 1e9) / vms / (8 * (meanFrameBytes(frames) + WIRE_OVERHEAD_BYTES));
    else if (t.load !== undefined && t.load !== 'saturate') pps = ppsOf(t.load, frames) / vms;
    // Rates count frames; with TSO the source sends segments of tsoFrames frames.
    perVm.push({ pps: pps / tsoFrames, frames, arrivals: arrivalsOf(p?.arrivals ?? t.arrivals) });
  }

  let rr: RequestResponse | undefined;
  if (rrMode) {
    const q = t.request_response;
    const frame = t.frame_bytes as number;
    const mss = tcpPayloadBytes(frame);
    if (mss <= 0)
      fail('traffic.frame_bytes', 'frames that carry TCP payload (more than 70 B) with request_response', frame);
    const responseFrames = Math.ceil(q.response_bytes / mss);
    rr = {
      requestFrameBytes: q.request_bytes,
      responseFrames,
      responseFrameBytes: Math.round((q.response_bytes + responseFrames * (frame - mss)) / responseFrames),
      concurrency: q.rate_per_vm !== undefined ? 0 : (q.concurrency ?? 1),
      ratePerVm: q.rate_per_vm ?? 0,
      appCycles: q.app_cycles,
      peerLatencyNs: q.peer_latency,
    };
  }
  const itr = s.nic.itr;
  const moderation: Moderation =
    typeof itr === 'number'
      ? { kind: 'fixed', perSec: itr }
      : itr in ITR_ADAPTIVE
        ? { kind: 'adaptive', algorithm: ITR_ADAPTIVE[itr as keyof typeof ITR_ADAPTIVE] }
        : { kind: 'fixed', perSec: ITR_PRESETS[itr as keyof typeof ITR_PRESETS] };

  const config: ModelConfig = {
    seed: o.seed ?? s.seed,
    durationNs,
    warmupNs,
    host: {
      cores,
      clockGhz,
      hypervisorCores,
      vcpuCores,
      vringDescriptors: s.host.vring,
      napiBudget: s.host.napi_budget,
      postedInterrupts: s.host.posted_interrupts ?? platform?.posted_interrupts ?? false,
      gro: s.host.gro,
      groMaxBytes: s.host.gro_max,
    },
    nic: {
      lineRateGbps,
      rxRing: s.nic.rx_ring,
      txRing: s.nic.tx_ring,
      vmdqPools: s.nic.vmdq_pools ?? nicModel.vmdq_pools,
      vfs: s.nic.vfs ?? nicModel.vfs,
      moderation,
      switchBuffer: s.nic.switch_buffer,
      lro: s.nic.lro,
      lroMaxBytes: s.nic.lro_max,
      checksumOffload: s.nic.checksum_offload,
    },
    vms,
    traffic: {
      direction: t.direction,
      mode,
      windowBytes: t.window,
      ackEvery: t.ack_every,
      peerGro: t.peer_gro,
      socketBuffer: t.socket_buffer,
      tsoFrames,
      perVm,
      rr,
    },
  };

  let precision: Experiment['precision'];
  if (s.precision) {
    if (s.replications < 2)
      fail('replications', 'at least 2 replications to start from when a precision target is set', s.replications);
    if (s.precision.max_replications < s.replications) {
      fail('precision.max_replications', `at least replications = ${s.replications}`, s.precision.max_replications);
    }
    precision = {
      metric: s.precision.metric as MetricName,
      relativeHalfWidth: s.precision.relative_half_width,
      maxReplications: s.precision.max_replications,
    };
  }

  const paths = resolvePaths(s, o, platform ? platformCosts(platform) : {}, opts.pathFiles ?? new Map()).map((p) =>
    o.costFactors ? { ...p, costs: scaled(p.costs, o.costFactors) } : p,
  );
  for (const p of paths)
    checkPath(config, p, {
      nicLimits: opts.nicLimits ?? true,
      where: s.custom_paths[p.name] ? `custom_paths.${p.name}` : `paths.${p.name}`,
    });
  if (s.search) checkSearch(s, s.search);
  checkReference(s, paths);
  if (s.validation) checkValidation(s.validation, config, paths);
  return {
    name: s.name,
    description: s.description ?? '',
    config,
    paths,
    validation: s.validation,
    warmupAuto,
    replications: s.replications,
    precision,
    search: s.search,
    reference: s.reference,
    notes: [
      ...(platform
        ? []
        : [
            "host.cpu is not set, so the costs are iovsim's defaults, measured on 2009-2016 Xeons; name the host's CPU platform (docs/platforms.md) for its exit, copy and interrupt costs",
          ]),
      ...windowNote(config),
    ],
  };
}

/**
 * A saturating window too small for the receiver to ACK before its delayed-ACK timer: with
 * fewer frames in flight than `ack_every`, each window waits out the timer (40 ms), as real
 * TCP does, and the run delivers about one window per 40 ms. Not an error (it is what such a
 * host would do), but rarely what was meant.
 */
function windowNote(c: ModelConfig): string[] {
  const t = c.traffic;
  if (t.mode !== 'saturate') return [];
  // A TSO segment that a GRO-capable peer merges is acknowledged at once.
  if (t.direction === 'tx' && t.peerGro && t.tsoFrames > 1) return [];
  const largest = Math.max(...t.perVm.flatMap((v) => v.frames.bytes));
  const segment = largest * t.tsoFrames;
  // The sender sends while what is in flight is under the window, so it holds ceil(window / segment) segments.
  const frames = Math.ceil(t.windowBytes / segment) * t.tsoFrames;
  if (frames >= t.ackEvery) return [];
  // The smallest window that holds enough segments: one byte over the segments but the last.
  const enough = (Math.ceil(t.ackEvery / t.tsoFrames) - 1) * segment;
  return [
    `traffic.window (${t.windowBytes} B) holds ${frames} frame${frames === 1 ? '' : 's'} of ${largest} B, fewer than traffic.ack_every (${t.ackEvery}): the receiver acknowledges each window only when its delayed-ACK timer fires (${DELAYED_ACK_NS / 1e6} ms), as TCP does, so a run delivers about one window per ${DELAYED_ACK_NS / 1e6} ms; a window larger than ${enough} B avoids it`,
  ];
}

/** The paths to run, each with its costs: the defaults, then the platform's, the path file's, the scenario's and the custom path's. */
function resolvePaths(
  s: Scenario,
  o: Overrides,
  platformCosts: Partial<CostValues>,
  pathFiles: ReadonlyMap<string, PathFile>,
): ResolvedPath[] {
  const scenarioCosts = s.costs as Partial<CostValues>;
  for (const name of Object.keys(s.custom_paths)) {
    if ((BUILTIN_PATH_NAMES as readonly string[]).includes(name)) {
      fail(`custom_paths.${name}`, 'a name that is not a built-in path (use base: to start from one)', name);
    }
  }
  const known = [...BUILTIN_PATH_NAMES, ...Object.keys(s.custom_paths)];
  const names = o.paths ?? s.paths ?? [...DEFAULT_PATH_NAMES];
  return names.map((name, i) => {
    if (!known.includes(name))
      fail(o.paths ? '--modes' : `paths[${i}]`, `a path name (one of: ${known.join(', ')})`, name);
    if (names.indexOf(name) !== i) fail(o.paths ? '--modes' : `paths[${i}]`, 'each path listed once', name);
    const custom = s.custom_paths[name];
    if (!custom)
      return { name, spec: BUILTIN_PATHS[name as BuiltinPathName], costs: resolveCosts(platformCosts, scenarioCosts) };
    const file = custom.file !== undefined ? pathFiles.get(name) : undefined;
    const base: PathSpec = file ?? BUILTIN_PATHS[custom.base!];
    let spec: PathSpec = {
      description: custom.description ?? `${custom.base ?? custom.file}, modified`,
      nic_sorting: custom.nic_sorting ?? base.nic_sorting,
      rx: custom.rx ?? base.rx,
      tx: custom.tx ?? base.tx,
    };
    if (custom.patch) spec = patched(spec, custom.patch, `custom_paths.${name}.patch`);
    return {
      name,
      spec,
      costs: resolveCosts(
        platformCosts,
        file?.costs as Partial<CostValues> | undefined,
        scenarioCosts,
        custom.costs as Partial<CostValues>,
      ),
    };
  });
}

/** Costs with factors applied last, so a factor scales whatever value the scenario ends up with. */
function scaled(costs: CostValues, factors: Partial<Record<CostName, number>>): CostValues {
  const out = { ...costs };
  for (const [name, f] of Object.entries(factors) as [CostName, number][]) out[name] = costs[name] * f;
  return out;
}

type HopPatch = Record<string, unknown>;

/** A path with single hops changed: each patch names a hop of its direction and gives the fields to replace. */
function patched(
  spec: PathSpec,
  patch: { rx?: Record<string, HopPatch>; tx?: Record<string, HopPatch> },
  where: string,
): PathSpec {
  const out = { ...spec };
  for (const dir of ['rx', 'tx'] as const) {
    const changes = patch[dir];
    if (!changes) continue;
    const hops = [...spec[dir]];
    for (const [hopName, change] of Object.entries(changes)) {
      const at = hops.findIndex((h) => h.name === hopName);
      if (at < 0)
        fail(
          `${where}.${dir}.${hopName}`,
          `a hop of the path's ${dir} list (one of: ${hops.map((h) => h.name).join(', ')})`,
          hopName,
        );
      const hop = hops[at];
      const allowed =
        hop.kind === 'cpu' ? Object.keys(change).filter((k) => k !== 'ns') : hop.kind === 'delay' ? ['ns'] : ['ring'];
      for (const k of Object.keys(change)) {
        if (!allowed.includes(k))
          fail(
            `${where}.${dir}.${hopName}.${k}`,
            `a field of a ${hop.kind} hop (${hop.kind === 'cpu' ? 'anything but ns' : allowed.join(', ')})`,
            k,
          );
      }
      hops[at] = { ...hop, ...change } as HopSpec;
    }
    out[dir] = hops;
  }
  return out;
}

/** A capacity search's bounds must be of the kind of the field it varies, in order, with a resolution in that unit. */
function checkSearch(s: Scenario, search: SearchSpec): void {
  if (search.kind === 'zero-loss') {
    if (s.traffic.kind !== 'bulk')
      fail('search.kind', 'zero-loss with bulk traffic (it varies traffic.load)', search.kind);
    if (s.traffic.load_per_vm !== undefined)
      fail(
        'traffic.load_per_vm',
        'no load_per_vm with a zero-loss search (it sets traffic.load)',
        s.traffic.load_per_vm,
      );
    return;
  }
  type Bound = number | Rate | RequestRate;
  const kind = (r: Bound) =>
    typeof r === 'number'
      ? 'a VM count'
      : 'requestsPerSec' in r
        ? 'a request rate'
        : 'bitsPerSec' in r
          ? 'a bit rate'
          : 'a packet rate';
  const value = (r: Bound) =>
    typeof r === 'number'
      ? r
      : 'requestsPerSec' in r
        ? r.requestsPerSec
        : 'bitsPerSec' in r
          ? r.bitsPerSec
          : r.packetsPerSec;
  const wanted =
    search.vary === 'vms.count'
      ? ['a VM count']
      : search.vary === 'traffic.load_per_vm'
        ? ['a bit rate', 'a packet rate']
        : ['a request rate'];
  const example =
    search.vary === 'vms.count'
      ? 'a VM count (a whole number)'
      : search.vary === 'traffic.load_per_vm'
        ? 'a rate such as "1 Gbit/s"'
        : 'a request rate such as "20 kreq/s"';
  if (!wanted.includes(kind(search.from)))
    fail('search.from', `${example} when search.vary is ${search.vary}`, search.from);
  if (kind(search.to) !== kind(search.from)) fail('search.to', `${kind(search.from)}, as search.from`, search.to);
  if (value(search.to) < value(search.from))
    fail(
      'search.to',
      search.vary === 'vms.count'
        ? `a VM count at least search.from = ${String(search.from)}`
        : 'a rate at least search.from',
      search.to,
    );
  if (search.vary === 'vms.count') {
    if (search.resolution !== undefined)
      fail('search.resolution', 'no resolution when search.vary is vms.count (it steps by one VM)', search.resolution);
    return;
  }
  if (search.resolution !== undefined) {
    if (search.vary !== 'traffic.load_per_vm')
      fail(
        'search.resolution',
        'no resolution for a request rate (the search stops at 1/100 of the range)',
        search.resolution,
      );
    if (kind(search.resolution) !== kind(search.from))
      fail('search.resolution', `${kind(search.from)}, as search.from`, search.resolution);
    if (!(value(search.resolution) > 0)) fail('search.resolution', 'a positive rate', search.resolution);
  }
  if (search.vary === 'traffic.load_per_vm') {
    if (s.traffic.kind !== 'bulk')
      fail('search.vary', 'traffic.request_response.rate_per_vm with request_response traffic', search.vary);
    if (s.traffic.load !== undefined)
      fail(
        'traffic.load',
        'no traffic.load when search.vary is traffic.load_per_vm (the search sets the per-VM load)',
        s.traffic.load,
      );
  } else {
    if (s.traffic.kind !== 'request_response')
      fail('search.vary', 'traffic.request_response.rate_per_vm only with traffic.kind: request_response', search.vary);
    if (s.traffic.request_response.concurrency !== undefined) {
      fail(
        'traffic.request_response.concurrency',
        'no concurrency when the search sets rate_per_vm (an open loop)',
        s.traffic.request_response.concurrency,
      );
    }
  }
}

/** Every path a published check or claim names must be one the scenario runs. */
function checkReference(s: Scenario, paths: ResolvedPath[]): void {
  const ref = s.reference;
  if (!ref) return;
  const run = paths.map((p) => p.name);
  const needRun = (where: string, path: string) => {
    if (!run.includes(path)) fail(where, `a path the scenario runs (${run.join(', ')})`, path);
  };
  ref.checks.forEach((c, i) => needRun(`reference.checks[${i}].path`, c.path));
  ref.claims.forEach((c, i) => {
    if (c.kind === 'ratio') {
      needRun(`reference.claims[${i}].numerator`, c.numerator);
      needRun(`reference.claims[${i}].denominator`, c.denominator);
    } else needRun(`reference.claims[${i}].path`, c.path);
    if (c.kind === 'linear' && !(s.sweep && Object.hasOwn(s.sweep, c.over))) {
      fail(
        `reference.claims[${i}].over`,
        `a field this scenario sweeps (${Object.keys(s.sweep ?? {}).join(', ') || 'none'})`,
        c.over,
      );
    }
  });
}
