import { HOST_CATALOG, HOST_MODELS, ITR_PRESETS, NIC_CATALOG, NIC_MODELS } from '../model/catalog.js';
import { COST_NAMES, COSTS, type CostName } from '../model/costs.js';
import { BUILTIN_PATH_NAMES, DEFAULT_PATH_NAMES } from '../model/paths.js';
import { CPU_PLATFORM_NAMES, CPU_PLATFORMS, platformCosts, type CpuPlatform } from '../model/platforms.js';

/**
 * The studio's knobs and the scenario file they stand for. The page keeps a scenario as a
 * file would hold it (plain data, quantities as text with units) and the knobs only read and
 * write the fields they show: whatever else a loaded file sets (windows, rings, per-VM
 * exceptions, custom paths) is kept as it was, so an exported file runs what the page ran.
 * Pure functions, no DOM: tested in Node.
 */

export type Raw = Record<string, unknown>;

/** The page's first scenario: the quickstart, shorter, so an answer comes in well under a second. */
export const DEFAULT_SCENARIO: Raw = {
  name: 'studio',
  description: 'a what-if from iovsim studio',
  seed: 1,
  duration: '50 ms',
  warmup: '5 ms',
  host: { cores: 8, clock: '2.9 GHz', hypervisor_cores: 4 },
  nic: { line_rate: '10 Gbit/s' },
  vms: { count: 4 },
  traffic: { direction: 'rx', load: 'saturate', frame_bytes: 1518 },
  paths: [...DEFAULT_PATH_NAMES],
};

/** Blocks that make a study rather than one point: the studio runs one point, so a loaded file loses them (and is told so). */
export const STUDY_BLOCKS = ['sweep', 'sweep_mode', 'search', 'replications', 'precision', 'validation', 'reference'];

export type LoadMode = 'saturate' | 'per-vm' | 'total' | 'line-rate';

export interface Knobs {
  hostModel: string;
  /** A CPU platform of the catalog, or '' for iovsim's default costs. */
  cpu: string;
  /** '' takes the platform's (else the host catalog's) value. */
  cores: string;
  clock: string;
  /** 'auto' or a number. */
  hypervisorCores: string;
  posted: boolean;
  gro: boolean;
  nicModel: string;
  /** '' takes the NIC catalog's. */
  lineRate: string;
  /** A preset, an adaptive algorithm, or interrupts/s. */
  itr: string;
  lro: boolean;
  vms: number;
  kind: 'bulk' | 'request_response';
  direction: 'rx' | 'tx';
  load: LoadMode;
  /** The rate of `per-vm` and `total` loads, with its unit. */
  rate: string;
  /** A frame size in bytes, `imix`, or `file` for a mix the loaded file lists (kept as it is). */
  frame: string;
  requestBytes: string;
  responseBytes: string;
  appCycles: number;
  rrLoop: 'closed' | 'open';
  concurrency: number;
  ratePerVm: string;
  paths: string[];
  duration: string;
  warmup: string;
  seed: number;
  /** Cost overrides, by name. */
  costs: Partial<Record<CostName, number>>;
}

const obj = (v: unknown): Raw => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Raw) : {});
const text = (v: unknown, fallback: string): string => (v === undefined || v === null ? fallback : String(v));
const int = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
/** A whole number typed as text becomes a number; anything else stays text, for the schema to name. */
const numberOrText = (t: string): number | string => (/^\s*\d+\s*$/.test(t) ? Number(t) : t.trim());
const hostOf = (raw: Raw): Raw => (typeof raw.host === 'string' ? { model: raw.host } : { ...obj(raw.host) });
const nicOf = (raw: Raw): Raw => (typeof raw.nic === 'string' ? { model: raw.nic } : { ...obj(raw.nic) });

/** Sets or (for undefined) deletes a field. */
function put(o: Raw, key: string, v: unknown): void {
  if (v === undefined) delete o[key];
  else o[key] = v;
}

/** Custom path names of a scenario, in file order. */
export const customPaths = (raw: Raw): string[] => Object.keys(obj(raw.custom_paths));

/** Every path the scenario could run: the built-ins, then its custom paths. */
export const knownPaths = (raw: Raw): string[] => [...BUILTIN_PATH_NAMES, ...customPaths(raw)];

/** What the knobs show for a scenario as a file holds it. */
export function knobsOf(raw: Raw): Knobs {
  const host = hostOf(raw);
  const nic = nicOf(raw);
  const t = obj(raw.traffic);
  const rr = obj(t.request_response);
  const frame = t.frame_bytes;
  let load: LoadMode = 'saturate';
  let rate = '1 Gbit/s';
  if (t.load_per_vm !== undefined) {
    load = 'per-vm';
    rate = text(t.load_per_vm, rate);
  } else if (t.load === 'line-rate') load = 'line-rate';
  else if (t.load !== undefined && t.load !== 'saturate') {
    load = 'total';
    rate = text(t.load, rate);
  }
  const costs: Partial<Record<CostName, number>> = {};
  for (const [k, v] of Object.entries(obj(raw.costs)))
    if ((COST_NAMES as string[]).includes(k) && typeof v === 'number') costs[k as CostName] = v;
  return {
    hostModel: text(host.model, 'generic'),
    cpu: text(host.cpu, ''),
    cores: text(host.cores, ''),
    clock: text(host.clock, ''),
    hypervisorCores: text(host.hypervisor_cores, 'auto'),
    posted: host.posted_interrupts === true,
    gro: host.gro === true,
    nicModel: text(nic.model, 'generic'),
    lineRate: text(nic.line_rate, ''),
    itr: text(nic.itr, 'bulk'),
    lro: nic.lro === true,
    vms: int(obj(raw.vms).count, 4),
    kind: t.kind === 'request_response' ? 'request_response' : 'bulk',
    direction: t.direction === 'tx' ? 'tx' : 'rx',
    load,
    rate,
    frame: Array.isArray(frame) ? 'file' : text(frame, '1518'),
    requestBytes: text(rr.request_bytes, '64 B'),
    responseBytes: text(rr.response_bytes, '1 KiB'),
    appCycles: int(rr.app_cycles, 0),
    rrLoop: rr.rate_per_vm !== undefined ? 'open' : 'closed',
    concurrency: int(rr.concurrency, 1),
    ratePerVm: text(rr.rate_per_vm, '20 kreq/s'),
    paths: Array.isArray(raw.paths) ? raw.paths.map(String) : [...DEFAULT_PATH_NAMES],
    duration: text(raw.duration, '100 ms'),
    warmup: text(raw.warmup, '10 ms'),
    seed: int(raw.seed, 1),
    costs,
  };
}

/**
 * The scenario `base` with the knobs' fields written in: fields at their default are left
 * out (a smaller file says what was chosen), everything the knobs do not show is kept.
 */
export function applyKnobs(base: Raw, k: Knobs): Raw {
  const s = structuredClone(base);
  for (const b of STUDY_BLOCKS) delete s[b];
  s.seed = k.seed;
  s.duration = k.duration.trim();
  s.warmup = k.warmup.trim();

  const host = hostOf(s);
  put(host, 'model', k.hostModel === 'generic' ? undefined : k.hostModel);
  put(host, 'cpu', k.cpu || undefined);
  put(host, 'cores', k.cores.trim() === '' ? undefined : numberOrText(k.cores));
  put(host, 'clock', k.clock.trim() === '' ? undefined : k.clock.trim());
  put(host, 'hypervisor_cores', k.hypervisorCores.trim() === 'auto' ? undefined : numberOrText(k.hypervisorCores));
  put(host, 'posted_interrupts', k.posted || undefined);
  put(host, 'gro', k.gro || undefined);
  put(s, 'host', Object.keys(host).length > 0 ? host : undefined);

  const nic = nicOf(s);
  put(nic, 'model', k.nicModel === 'generic' ? undefined : k.nicModel);
  put(nic, 'line_rate', k.lineRate.trim() === '' ? undefined : k.lineRate.trim());
  put(nic, 'itr', k.itr === 'bulk' ? undefined : numberOrText(k.itr));
  put(nic, 'lro', k.lro || undefined);
  put(s, 'nic', Object.keys(nic).length > 0 ? nic : undefined);

  s.vms = { ...obj(s.vms), count: k.vms };

  const t = { ...obj(s.traffic) };
  t.direction = k.direction;
  delete t.load;
  delete t.load_per_vm;
  if (k.frame !== 'file') t.frame_bytes = numberOrText(k.frame);
  if (k.kind === 'request_response') {
    t.kind = 'request_response';
    const rr = { ...obj(t.request_response) };
    rr.request_bytes = k.requestBytes.trim();
    rr.response_bytes = k.responseBytes.trim();
    put(rr, 'app_cycles', k.appCycles > 0 ? k.appCycles : undefined);
    put(rr, 'concurrency', k.rrLoop === 'closed' ? k.concurrency : undefined);
    put(rr, 'rate_per_vm', k.rrLoop === 'open' ? k.ratePerVm.trim() : undefined);
    t.request_response = rr;
  } else {
    delete t.kind;
    delete t.request_response;
    if (k.load === 'per-vm') t.load_per_vm = k.rate.trim();
    else t.load = k.load === 'total' ? k.rate.trim() : k.load;
  }
  s.traffic = t;

  s.paths = [...k.paths];
  const costs = Object.fromEntries(COST_NAMES.filter((n) => k.costs[n] !== undefined).map((n) => [n, k.costs[n]]));
  put(s, 'costs', Object.keys(costs).length > 0 ? costs : undefined);
  return s;
}

/** A cost as the costs table shows it: the default in force (a platform's, else the table's) and where it comes from. */
export interface CostRow {
  name: CostName;
  unit: string;
  help: string;
  value: number;
  source: string;
}

/** Which platform field sets each cost a platform sets (model/platforms.ts platformCosts). */
const PLATFORM_FIELD: Partial<Record<CostName, keyof CpuPlatform>> = {
  vm_exit: 'vm_exit_cycles',
  eoi_exit: 'vm_exit_cycles',
  kick_exit: 'vm_exit_cycles',
  copy_per_byte: 'copy_cycles_per_byte_dram',
  irq_handler: 'irq_cycles',
};

export function costRows(cpu: string): CostRow[] {
  const platform = (CPU_PLATFORM_NAMES as string[]).includes(cpu)
    ? (CPU_PLATFORMS[cpu as keyof typeof CPU_PLATFORMS] as CpuPlatform)
    : undefined;
  const fromPlatform: Partial<Record<CostName, number>> = platform ? platformCosts(platform) : {};
  return COST_NAMES.map((name) => {
    const c = COSTS[name];
    const field = PLATFORM_FIELD[name];
    const p = fromPlatform[name];
    if (platform && field && p !== undefined) {
      const v = platform[field] as { source: string };
      const scaled =
        name === 'eoi_exit' || name === 'kick_exit' ? ", scaled by the platform's exit against the E5-2450's" : '';
      return {
        name,
        unit: c.unit,
        help: c.help,
        value: p,
        source: `platform ${cpu}${scaled}: ${v.source} (docs/platforms.md)`,
      };
    }
    return { name, unit: c.unit, help: c.help, value: c.default, source: c.source };
  });
}

/** The values a blank host or NIC field stands for, for the knobs' placeholders. */
export function defaultsFor(k: Pick<Knobs, 'hostModel' | 'cpu' | 'nicModel'>): {
  cores: number;
  clock: string;
  lineRate: string;
} {
  const platform = (CPU_PLATFORM_NAMES as string[]).includes(k.cpu)
    ? (CPU_PLATFORMS[k.cpu as keyof typeof CPU_PLATFORMS] as CpuPlatform)
    : undefined;
  const host = HOST_CATALOG[(HOST_MODELS as string[]).includes(k.hostModel) ? (k.hostModel as 'generic') : 'generic'];
  const nic = NIC_CATALOG[(NIC_MODELS as string[]).includes(k.nicModel) ? (k.nicModel as 'generic') : 'generic'];
  return {
    cores: platform ? platform.cores.value : host.cores,
    clock: `${platform ? platform.clock_ghz.value : host.clockGhz} GHz`,
    lineRate: `${nic.lineRateGbps} Gbit/s`,
  };
}

/** ITR choices for the knob: the presets, the adaptive algorithms; any number is accepted too. */
export const ITR_CHOICES = [...Object.keys(ITR_PRESETS), 'adaptive', 'adaptive-classes'];
