import { InputError } from '../errors.js';
import { meanFrameBytes, tcpPayloadBytes, WIRE_OVERHEAD_BYTES, type Arrivals, type FrameMix, type ModelConfig, type VmTraffic } from '../model/config.js';
import { HOST_CATALOG, NIC_CATALOG } from '../model/catalog.js';
import { resolveCosts, type CostValues } from '../model/costs.js';
import type { ResolvedPath } from '../model/network.js';
import type { HopSpec, PathSpec } from '../model/path-spec.js';
import { BUILTIN_PATH_NAMES, BUILTIN_PATHS, type BuiltinPathName } from '../model/paths.js';
import { describe } from './load.js';
import { ITR_PRESETS, type ArrivalsInput, type FramesInput, type ScenarioFile } from './schema.js';
import { parseDurationNs, parseFrequencyGhz, parseRate, type Rate } from './units.js';

/** A scenario turned into what the model runs: one config and the paths to run it on. */
export interface Experiment {
  name: string;
  description: string;
  config: ModelConfig;
  paths: ResolvedPath[];
  validation?: ScenarioFile['validation'];
  /** Choose the warm-up per run by MSER-5 on a pilot run (config.warmupNs is then 0). */
  warmupAuto: boolean;
  replications: number;
  precision?: ScenarioFile['precision'];
  search?: ScenarioFile['search'];
  reference?: ScenarioFile['reference'];
}

export interface Overrides {
  seed?: number;
  /** Path names to run instead of the scenario's `paths`. */
  paths?: string[];
  /** Duration instead of the scenario's, e.g. "50 ms". */
  duration?: string;
}

/** Simple IMIX: 64, 594 and 1518-byte frames in the ratio 7:4:1. */
export const IMIX: FrameMix = { bytes: [64, 594, 1518], weights: [7, 4, 1] };

const fail = (path: string, expected: string, found: unknown): never => {
  throw new InputError(path, expected, describe(found));
};

function frameMix(f: FramesInput): FrameMix {
  if (f === 'imix') return IMIX;
  if (typeof f === 'number') return { bytes: [f], weights: [1] };
  return { bytes: f.map((e) => e.bytes), weights: f.map((e) => e.weight) };
}

function arrivalsOf(a: ArrivalsInput): Arrivals {
  if (a === 'constant' || a === 'poisson') return { kind: a };
  return { kind: 'on-off', onNs: parseDurationNs(a.on_off.on)!, offNs: parseDurationNs(a.on_off.off)! };
}

/** Packets/s for a rate given in bits/s (of frames) or packets/s. */
const ppsOf = (r: Rate, frames: FrameMix): number =>
  'packetsPerSec' in r ? r.packetsPerSec : r.bitsPerSec / (8 * meanFrameBytes(frames));

/** Resolves a validated scenario. Cross-field rules are checked here; each failure names its field. */
export function resolveScenario(s: ScenarioFile, o: Overrides = {}): Experiment {
  const durationText = o.duration ?? s.duration;
  const durationNs = parseDurationNs(durationText);
  if (durationNs === undefined || durationNs <= 0) fail(o.duration ? '--duration' : 'duration', 'a positive duration such as "200 ms"', durationText);
  const warmupAuto = s.warmup === 'auto';
  const warmupNs = warmupAuto ? 0 : parseDurationNs(s.warmup)!;
  if (warmupNs >= durationNs!) fail('warmup', `a warm-up shorter than the duration (${durationText})`, s.warmup);

  const hostModel = HOST_CATALOG[s.host.model];
  const h = { ...s.host, cores: s.host.cores ?? hostModel.cores, clock: s.host.clock ?? hostModel.clock };
  const nicModel = NIC_CATALOG[s.nic.model];
  const nic = {
    ...s.nic,
    line_rate: s.nic.line_rate ?? nicModel.line_rate,
    vmdq_pools: s.nic.vmdq_pools ?? nicModel.vmdq_pools,
    vfs: s.nic.vfs ?? nicModel.vfs,
  };
  if (h.hypervisor_cores > h.cores) fail('host.hypervisor_cores', `at most host.cores = ${h.cores}`, h.hypervisor_cores);
  let vcpuCores: number[];
  if (h.vcpu_cores === 'auto') {
    // A hypervisor's scheduler spreads vCPUs over every core: first the cores its I/O work
    // leaves free, then (with more VMs than free cores) the I/O cores too, then round again.
    const free = Array.from({ length: h.cores - h.hypervisor_cores }, (_, i) => h.hypervisor_cores + i);
    const io = Array.from({ length: h.hypervisor_cores }, (_, i) => i);
    vcpuCores = [...free, ...io];
  } else {
    vcpuCores = h.vcpu_cores;
    vcpuCores.forEach((c, i) => {
      if (c >= h.cores) fail(`host.vcpu_cores[${i}]`, `a core index below host.cores = ${h.cores}`, c);
    });
  }

  const vms = s.vms.count;
  const t = s.traffic;
  if (t.load !== undefined && t.load_per_vm !== undefined) {
    fail('traffic.load_per_vm', 'either traffic.load (for all VMs together) or traffic.load_per_vm, not both', t.load_per_vm);
  }
  const mode = t.load === 'saturate' || (t.load === undefined && t.load_per_vm === undefined) ? 'saturate' : 'open';
  const lineRateGbps = parseRate(nic.line_rate) as { bitsPerSec: number };
  const lineBps = lineRateGbps.bitsPerSec;

  const overrides = new Map<number, (typeof s.per_vm)[number]>();
  s.per_vm.forEach((p, i) => {
    if (p.vm >= vms) fail(`per_vm[${i}].vm`, `a VM index below vms.count = ${vms}`, p.vm);
    if (overrides.has(p.vm)) fail(`per_vm[${i}].vm`, 'each VM listed once', p.vm);
    if (p.rate !== undefined && mode === 'saturate') {
      fail(`per_vm[${i}].rate`, 'no per-VM rate when traffic.load is "saturate" (the window sets the load)', p.rate);
    }
    overrides.set(p.vm, p);
  });

  // Segmentation offload: the stack sends segments that the NIC cuts into frames of frame_bytes.
  let tsoFrames = 1;
  if (t.tso_segment_bytes !== undefined) {
    if (t.direction !== 'tx') fail('traffic.tso_segment_bytes', 'no TSO segment size for receive (it offloads transmit)', t.tso_segment_bytes);
    const frame = t.frame_bytes;
    if (typeof frame !== 'number' || s.per_vm.some((p) => p.frame_bytes !== undefined)) {
      fail('traffic.frame_bytes', 'one frame size for all VMs when traffic.tso_segment_bytes is set', t.frame_bytes);
    }
    tsoFrames = Math.ceil(t.tso_segment_bytes / tcpPayloadBytes(frame as number));
    if (!Number.isFinite(tsoFrames)) fail('traffic.frame_bytes', 'frames that carry TCP payload (more than 70 B) with TSO', frame);
  }
  const perVm: VmTraffic[] = [];
  for (let vm = 0; vm < vms; vm++) {
    const p = overrides.get(vm);
    const frames = frameMix(p?.frame_bytes ?? t.frame_bytes);
    let pps = 0;
    if (p?.rate !== undefined) pps = ppsOf(parseRate(p.rate)!, frames);
    else if (t.load_per_vm !== undefined) pps = ppsOf(parseRate(t.load_per_vm)!, frames);
    else if (t.load === 'line-rate') pps = lineBps / vms / (8 * (meanFrameBytes(frames) + WIRE_OVERHEAD_BYTES));
    else if (t.load !== undefined && t.load !== 'saturate') pps = ppsOf(parseRate(t.load)!, frames) / vms;
    // Rates count frames; with TSO the source sends segments of tsoFrames frames.
    perVm.push({ pps: pps / tsoFrames, frames, arrivals: arrivalsOf(p?.arrivals ?? t.arrivals) });
  }

  const config: ModelConfig = {
    seed: o.seed ?? s.seed,
    durationNs: durationNs!,
    warmupNs,
    host: {
      cores: h.cores,
      clockGhz: parseFrequencyGhz(h.clock)!,
      hypervisorCores: h.hypervisor_cores,
      vcpuCores,
      vringDescriptors: h.vring,
      napiBudget: h.napi_budget,
    },
    nic: {
      lineRateGbps: lineBps / 1e9,
      rxRing: nic.rx_ring,
      txRing: nic.tx_ring,
      vmdqPools: nic.vmdq_pools,
      vfs: nic.vfs,
      itrPerSec: typeof nic.itr === 'number' ? nic.itr : ITR_PRESETS[nic.itr],
      switchBuffer: nic.switch_buffer,
    },
    vms,
    traffic: { direction: t.direction, mode, window: t.window, socketBuffer: t.socket_buffer, tsoFrames, perVm },
  };

  if (s.precision && s.replications < 2) fail('replications', 'at least 2 replications to start from when a precision target is set', s.replications);
  if (s.precision && s.precision.max_replications < s.replications) {
    fail('precision.max_replications', `at least replications = ${s.replications}`, s.precision.max_replications);
  }
  if (s.search && s.sweep) fail('search', 'a search or a sweep in one scenario, not both', 'both');
  return {
    name: s.name ?? 'scenario',
    description: s.description ?? '',
    config,
    paths: resolvePaths(s, o),
    validation: s.validation,
    warmupAuto,
    replications: s.replications,
    precision: s.precision,
    search: s.search,
    reference: s.reference,
  };
}

function resolvePaths(s: ScenarioFile, o: Overrides): ResolvedPath[] {
  const scenarioCosts = s.costs as Partial<CostValues>;
  for (const name of Object.keys(s.custom_paths)) {
    if ((BUILTIN_PATH_NAMES as string[]).includes(name)) {
      fail(`custom_paths.${name}`, 'a name that is not a built-in path (use base: to start from one)', name);
    }
  }
  const known = [...BUILTIN_PATH_NAMES, ...Object.keys(s.custom_paths)];
  const names = o.paths ?? s.paths ?? [...BUILTIN_PATH_NAMES];
  return names.map((name, i) => {
    if (!known.includes(name)) fail(o.paths ? '--modes' : `paths[${i}]`, `a path name (one of: ${known.join(', ')})`, name);
    const custom = s.custom_paths[name];
    if (!custom) return { name, spec: BUILTIN_PATHS[name as BuiltinPathName] as PathSpec, costs: resolveCosts(scenarioCosts) };
    const base = BUILTIN_PATHS[custom.base as BuiltinPathName] as PathSpec;
    const spec: PathSpec = {
      description: custom.description ?? `${custom.base}, modified`,
      nic_sorting: custom.nic_sorting ?? base.nic_sorting,
      rx: (custom.rx as HopSpec[] | undefined) ?? base.rx,
      tx: (custom.tx as HopSpec[] | undefined) ?? base.tx,
    };
    checkHops(`custom_paths.${name}`, spec);
    return { name, spec, costs: resolveCosts(scenarioCosts, custom.costs as Partial<CostValues>) };
  });
}

/** Rules a path's hops must follow that the schema cannot express. */
function checkHops(where: string, spec: PathSpec): void {
  for (const dir of ['rx', 'tx'] as const) {
    spec[dir].forEach((hop, i) => {
      if (hop.kind !== 'cpu') return;
      if (hop.instances === 'shared' && (hop.core === 'vcpu' || hop.core === 'io-per-vm')) {
        fail(`${where}.${dir}[${i}].instances`, `"per-vm" for a hop on core "${hop.core}" (a shared ring needs a fixed core: io or an index)`, hop.instances);
      }
      if ((hop.servers ?? 1) > 1 && hop.instances !== 'shared') {
        fail(`${where}.${dir}[${i}].servers`, '1 for a per-vm hop (several servers share one ring: use instances: shared)', hop.servers);
      }
    });
  }
}
