import { COSTS } from './costs.js';

/**
 * CPU platform catalog: what the same I/O mechanisms cost on processors from a 2001 Pentium III
 * to current Xeon and EPYC parts. Pure data plus two renderers for docs/platforms.md.
 *
 * Every value cites rows of docs/references.md by id (e.g. '[X1]'). A value that is measured,
 * or arithmetic on measurements, has no `fit`. A value that is an argued estimate carries the
 * argument in `fit`; those are marked '~' in the rendered table. Cycles are at the part's base
 * clock; cycles per byte from a bandwidth are clock_GHz / (GB/s).
 */

export interface PlatformValue {
  value: number;
  /** ids of docs/references.md rows, e.g. '[X1], [P4]' */
  source: string;
  /** present when the value is an argued estimate rather than a measurement: the argument */
  fit?: string;
}

export interface CpuPlatform {
  /** e.g. 'Intel Xeon X5570 (Nehalem-EP), 2.93 GHz, 4 cores per socket' */
  help: string;
  /** e.g. 'nehalem' */
  family: string;
  /** the part's launch year */
  year: number;
  clock_ghz: PlatformValue;
  /** cores of the typical testbed host (both sockets) */
  cores: PlatformValue;
  /** hardware exit + entry round trip (lightest exit), in cycles */
  vm_exit_cycles: PlatformValue;
  /** single-thread memcpy from DRAM, cycles per byte at this clock */
  copy_cycles_per_byte_dram: PlatformValue;
  /** copy when the data is in cache (LLC), cycles per byte */
  copy_cycles_per_byte_cache: PlatformValue;
  /** Internet checksum in software (csum_partial), cycles per byte */
  checksum_cycles_per_byte: PlatformValue;
  /** taking and handling one interrupt in a kernel (entry, handler, exit), in cycles */
  irq_cycles: PlatformValue;
  /** VT-x or AMD-V available */
  hardware_virtualization: boolean;
  /** APICv / posted interrupts, or AVIC, available */
  posted_interrupts: boolean;
}

// Arguments shared by several entries.
const TWO_SOCKETS = 'two sockets assumed: the usual host for this part; the sources do not give the socket count';
const IRQ_DEFAULT =
  "iovsim's calibrated irq_handler (1,500 cycles, docs/calibration.md), fitted to R6's CPU slope on a 2009-2010 server core at ~2.9 GHz and of the order of a kernel-handled exit (1,300-2,565 cycles, X4, X5). No per-generation measurement of native interrupt cost was found, so the same value is used for every generation whose mechanisms give no reason to differ";
const LLC_COPY_MODERN =
  'estimate: C9 gives 16 B/cycle for rep movs and C15 8 B/cycle for a plain loop on data in cache (Ivy Bridge and later; AMD cores are at least as wide); LLC-resident data is taken at the plain-loop rate, 8 B/cycle = 0.125 cycles/byte. Not measured for this part';
const LLC_COPY_PRE_SNB =
  'estimate: 16-byte SSE moves but narrower cache paths than Sandy Bridge and later; taken as ~5 B/cycle from the LLC (0.2 cycles/byte), below the 8 B/cycle assumed for later cores (C9, C15). Not measured';

export const CPU_PLATFORMS = {
  'pentium3-733': {
    help: 'Intel Pentium III (Coppermine), 733 MHz, 1 core: the Sugerman et al. 2001 hosted-VMM testbed; no hardware virtualization',
    family: 'p6',
    year: 1999,
    clock_ghz: { value: 0.733, source: '[X10], [P1]' },
    cores: {
      value: 1,
      source: '[X10], [P1]',
      fit: 'the source describes one 733 MHz Pentium III in a desktop-class machine running a hosted VMM; taken as a uniprocessor',
    },
    vm_exit_cycles: {
      value: 997,
      source: '[X11], [X10]',
      fit: 'no VT-x: the lightest "exit" of the binary-translating hosted VMM is a trap handled inside the VMM, 1.36 us x 733 MHz = 997 cycles (X11). An access that must go to the host takes a world switch, 7.45 us = 5,461 cycles (X10)',
    },
    copy_cycles_per_byte_dram: {
      value: 2.44,
      source: '[P1], [C5]',
      fit: 'no measurement found: assumed 0.3 GB/s single-thread copy on PC133-era SDRAM (1.06 GB/s peak; single-thread copies run far below peak, C1 and C5): 0.733 / 0.3 = 2.44 cycles/byte',
    },
    copy_cycles_per_byte_cache: {
      value: 0.5,
      source: '[P1]',
      fit: 'estimate: 4-byte integer moves, one load and one store per cycle at best and about half that from the L2, ~2 B/cycle. Not measured',
    },
    checksum_cycles_per_byte: {
      value: 0.5,
      source: '[C6]',
      fit: "C6's rule (a 2-clock ADC before Sandy Bridge) applied to 32-bit registers: 4 bytes per 2 cycles = 2 B/cycle",
    },
    irq_cycles: { value: 1500, source: '[R6], [X4], [X5]', fit: IRQ_DEFAULT },
    hardware_virtualization: false,
    posted_interrupts: false,
  },

  'netburst-xeon': {
    help: 'Intel Xeon 5050 (Dempsey, NetBurst), 3.0 GHz, 2 cores per socket, first-generation VT-x (2006)',
    family: 'netburst',
    year: 2006,
    clock_ghz: { value: 3.0, source: '[P2]' },
    cores: { value: 4, source: '[P2]', fit: TWO_SOCKETS },
    vm_exit_cycles: {
      value: 6000,
      source: '[X1], [P12], [P11], [X20], [P14], [P15]',
      fit: 'no NetBurst measurement found. Chain from X1 (Nehalem, 2,000): Penryn ~3,000 (see core2-penryn); Intel put Penryn ~40 % below the first Core parts (P12; 25-75 % in P11), so Merom ~3,000 / 0.6 = 5,000; NetBurst was slower again (X20, P14) with a pipeline twice as deep (P15), but no ratio is published: 1.2 x 5,000 = 6,000, uncertain by +-30 %',
    },
    copy_cycles_per_byte_dram: {
      value: 2.0,
      source: '[P2], [C14]',
      fit: 'no measurement found: assumed 1.5 GB/s, a little below the 1.86 GB/s a Core 2 desktop copies (C14), for the older core on a 667 MT/s bus with FB-DIMM: 3.0 / 1.5 = 2.0 cycles/byte',
    },
    copy_cycles_per_byte_cache: {
      value: 0.25,
      source: '[P2]',
      fit: 'estimate between the Pentium III (0.5) and Core 2 (0.2) assumptions: 16-byte SSE2 moves but a narrow, high-latency L2 path; ~4 B/cycle. Not measured',
    },
    checksum_cycles_per_byte: {
      value: 0.5,
      source: '[C6], [C10]',
      fit: 'C6 puts ADC at 2 clocks on every Intel core before Sandy Bridge; NetBurst is assumed no better than the P6 rule of 2 B/cycle (the C10 author also found unrolling does not help on old P4s)',
    },
    irq_cycles: {
      value: 2250,
      source: '[P15], [R6]',
      fit: "1.5 x iovsim's calibrated 1,500 cycles: NetBurst's pipeline was twice as deep as its successors' (P15), and an interrupt's entry and IRET drain and refill it; half of the cost is assumed to scale with depth. Not measured",
    },
    hardware_virtualization: true,
    posted_interrupts: false,
  },

  'core2-penryn': {
    help: 'Intel Xeon E5450 (Harpertown, Core microarchitecture, 45 nm Penryn), 3.0 GHz, 4 cores per socket, VT-x without EPT (2007)',
    family: 'core2',
    year: 2007,
    clock_ghz: { value: 3.0, source: '[P3]' },
    cores: { value: 8, source: '[P3]', fit: TWO_SOCKETS },
    vm_exit_cycles: {
      value: 3000,
      source: '[X1], [P12], [P13]',
      fit: 'no Penryn measurement found. X1 measured 2,000 cycles on Nehalem; Nehalem switches ~33 % (P12, Intel) to ~40 % (P13, against this very Xeon 5450) faster, so Penryn = 2,000 / 0.67 = 2,985 to 2,000 / 0.6 = 3,333; 3,000 taken. The ratios describe hardware transition latency and are applied to a total that includes some hypervisor software, so this may overstate Penryn',
    },
    copy_cycles_per_byte_dram: {
      value: 1.6,
      source: '[C14], [P3]',
      fit: 'C14 measured 1,855 MB/s single-thread copy on a Core 2 desktop (exact CPU not stated); a front-side-bus Xeon with FB-DIMM is assumed no faster: 3.0 / 1.86 = 1.6 cycles/byte',
    },
    copy_cycles_per_byte_cache: { value: 0.2, source: '[C9], [C15]', fit: LLC_COPY_PRE_SNB },
    checksum_cycles_per_byte: { value: 0.25, source: '[C6]' },
    irq_cycles: { value: 1500, source: '[R6], [X4], [X5]', fit: IRQ_DEFAULT },
    hardware_virtualization: true,
    posted_interrupts: false,
  },

  'xeon-7400': {
    help: 'Intel Xeon X7460 (Dunnington, Penryn cores on a front-side bus), 2.66 GHz, 6 cores per socket, VT-x without EPT (2008): the R1 testbed class',
    family: 'core2',
    year: 2008,
    clock_ghz: {
      value: 2.66,
      source: '[P17]',
      fit: 'the top bin of the series; the R1 white paper does not state the clock (P17)',
    },
    cores: { value: 24, source: '[P17]', fit: 'four sockets assumed: the series is a 4-socket part' },
    vm_exit_cycles: {
      value: 3000,
      source: '[X1], [P12], [P13]',
      fit: 'the Penryn estimate of core2-penryn (same core): Nehalem (X1, 2,000 cycles) switches 33-40 % faster (P12, P13)',
    },
    copy_cycles_per_byte_dram: {
      value: 1.43,
      source: '[C14], [P17]',
      fit: "the core2-penryn estimate (a front-side-bus Core platform copying at C14's 1.86 GB/s), at this clock: 2.66 / 1.86 = 1.43 cycles/byte",
    },
    copy_cycles_per_byte_cache: { value: 0.2, source: '[C9], [C15]', fit: LLC_COPY_PRE_SNB },
    checksum_cycles_per_byte: { value: 0.25, source: '[C6]' },
    irq_cycles: { value: 1500, source: '[R6], [X4], [X5]', fit: IRQ_DEFAULT },
    hardware_virtualization: true,
    posted_interrupts: false,
  },

  'nehalem-x5570': {
    help: 'Intel Xeon X5570 (Nehalem-EP), 2.93 GHz, 4 cores per socket, VT-x with EPT and VPID (2009): the SplitX testbed',
    family: 'nehalem',
    year: 2009,
    clock_ghz: { value: 2.93, source: '[X1], [P4]' },
    cores: {
      value: 8,
      source: '[X1], [P4]',
      fit: 'two sockets assumed (a 2-socket part; the IBM x3550 M2 is a 2-socket server); the SplitX paper itself mentions one quad-core CPU',
    },
    vm_exit_cycles: { value: 2000, source: '[X1]' },
    copy_cycles_per_byte_dram: {
      value: 0.33,
      source: '[C1], [C13]',
      fit: "no single-thread copy measured on the X5570 itself. Nehalem-EP and Westmere-EP share the uncore and have similar memory latency (81 vs 87 ns, C13), so the X5660's 9.28 GB/s (C1) is taken, rounded down to 9.0 GB/s: 2.93 / 9.0 = 0.33 cycles/byte. (iovsim's current copy_per_byte default, 0.5, is the E5-2670's bandwidth at this clock)",
    },
    copy_cycles_per_byte_cache: { value: 0.2, source: '[C9], [C15]', fit: LLC_COPY_PRE_SNB },
    checksum_cycles_per_byte: { value: 0.25, source: '[C6]' },
    irq_cycles: { value: 1500, source: '[R6], [X4], [X5]', fit: IRQ_DEFAULT },
    hardware_virtualization: true,
    posted_interrupts: false,
  },

  'westmere-x5660': {
    help: 'Intel Xeon X5660 (Westmere-EP), 2.8 GHz, 6 cores per socket (2010)',
    family: 'westmere',
    year: 2010,
    clock_ghz: { value: 2.8, source: '[P5]' },
    cores: { value: 12, source: '[C1], [P5]' },
    vm_exit_cycles: {
      value: 1650,
      source: '[X1], [X4]',
      fit: 'no Westmere measurement found: the midpoint of the measured Nehalem (2,000, X1) and Sandy Bridge (1,300, X4) round trips',
    },
    copy_cycles_per_byte_dram: { value: 0.3, source: '[C1]' },
    copy_cycles_per_byte_cache: { value: 0.2, source: '[C9], [C15]', fit: LLC_COPY_PRE_SNB },
    checksum_cycles_per_byte: { value: 0.25, source: '[C6]' },
    irq_cycles: { value: 1500, source: '[R6], [X4], [X5]', fit: IRQ_DEFAULT },
    hardware_virtualization: true,
    posted_interrupts: false,
  },

  'sandybridge-e5-2450': {
    help: 'Intel Xeon E5-2450 (Sandy Bridge-EN), 2.1 GHz, 8 cores per socket (2012): the Dall et al. x86 testbed',
    family: 'sandybridge',
    year: 2012,
    clock_ghz: { value: 2.1, source: '[X4], [P6]' },
    cores: {
      value: 8,
      source: '[X4], [P6]',
      fit: 'one 8-core E5-2450; the socket count of the Dall et al. testbed was not verified here',
    },
    vm_exit_cycles: { value: 1300, source: '[X4]' },
    copy_cycles_per_byte_dram: {
      value: 0.36,
      source: '[C1], [C5], [P6]',
      fit: 'measured on the E5-2670 (same Sandy Bridge core and ring): 5.9 GB/s (C1). Single-thread bandwidth is bound by latency and outstanding misses, not by the core clock (C5), so the GB/s carries over and the cycles scale with the E5-2450 clock: 2.1 / 5.9 = 0.36 cycles/byte',
    },
    copy_cycles_per_byte_cache: { value: 0.125, source: '[C15], [C9]', fit: LLC_COPY_MODERN },
    checksum_cycles_per_byte: { value: 0.25, source: '[C8], [C6], [C10]' },
    irq_cycles: { value: 1500, source: '[R6], [X4], [X5]', fit: IRQ_DEFAULT },
    hardware_virtualization: true,
    posted_interrupts: false,
  },

  'sandybridge-e5-2670': {
    help: 'Intel Xeon E5-2670 (Sandy Bridge-EP), 2.6 GHz, 8 cores per socket (2012): the 5.9 GB/s single-thread copy measurement',
    family: 'sandybridge',
    year: 2012,
    clock_ghz: { value: 2.6, source: '[P6]' },
    cores: { value: 16, source: '[C1], [P6]' },
    vm_exit_cycles: {
      value: 1300,
      source: '[X4]',
      fit: 'not measured on this part: the E5-2450 round trip (X4), same Sandy Bridge core; exit costs in cycles do not scale with clock',
    },
    copy_cycles_per_byte_dram: { value: 0.44, source: '[C1], [P6]' },
    copy_cycles_per_byte_cache: { value: 0.125, source: '[C15], [C9]', fit: LLC_COPY_MODERN },
    checksum_cycles_per_byte: { value: 0.25, source: '[C8], [C6], [C10]' },
    irq_cycles: { value: 1500, source: '[R6], [X4], [X5]', fit: IRQ_DEFAULT },
    hardware_virtualization: true,
    posted_interrupts: false,
  },

  'skylake-sp': {
    help: 'Intel Xeon Gold 6148 (Skylake-SP), 2.4 GHz, 20 cores per socket, APICv and posted interrupts (2017)',
    family: 'skylake',
    year: 2017,
    clock_ghz: { value: 2.4, source: '[P7]' },
    cores: { value: 40, source: '[P7]', fit: TWO_SOCKETS },
    vm_exit_cycles: {
      value: 1559,
      source: '[X12]',
      // Measured on a Skylake-SP server whose model the post does not give; the 1,529 of the
      // optimised patch was reverted upstream, so 1,559 is the number that stood.
    },
    copy_cycles_per_byte_dram: {
      value: 0.43,
      source: '[C3], [C11]',
      fit: "no single-thread copy measured on Skylake-SP: C11 says its mesh gives a single thread less bandwidth than Broadwell-E/EP, and Broadwell-E copied at 5.6 GB/s (C3); 5.6 GB/s is taken as the estimate (an upper bound by C11's account): 2.4 / 5.6 = 0.43 cycles/byte",
    },
    copy_cycles_per_byte_cache: { value: 0.125, source: '[C15], [C9]', fit: LLC_COPY_MODERN },
    checksum_cycles_per_byte: { value: 0.125, source: '[C6], [C7]' },
    irq_cycles: { value: 1500, source: '[R6], [X4], [X5]', fit: IRQ_DEFAULT },
    hardware_virtualization: true,
    posted_interrupts: true,
  },

  'sapphire-rapids': {
    help: 'Intel Xeon Platinum 8480+ (Sapphire Rapids), 2.0 GHz, 56 cores per socket, APICv and posted interrupts (2023)',
    family: 'sapphirerapids',
    year: 2023,
    clock_ghz: { value: 2.0, source: '[P8]' },
    cores: { value: 112, source: '[P8]', fit: TWO_SOCKETS },
    vm_exit_cycles: {
      value: 1050,
      source: '[X13]',
      fit: "X13 measured CPUID exits of 1,018-1,053 cycles with a late-2024 KVM on a CPU it does not name (a second machine in the thread: ~1,098). A KVM maintainer's machine in late 2024 is most likely a current Xeon, and a CPUID exit is at least as heavy as the lightest one, so ~1,050 is taken. Not tied to this part by any source",
    },
    copy_cycles_per_byte_dram: {
      value: 0.25,
      source: '[C5], [C11], [P8]',
      fit: "no measurement found: assumed 8 GB/s, about 1.4x the Skylake-SP estimate, because single-thread bandwidth follows outstanding misses per core over latency (C5, C11) and cores since Skylake track more misses, while the tiled DDR5 platform's higher latency pulls the other way: 2.0 / 8 = 0.25 cycles/byte, uncertain by +-50 %",
    },
    copy_cycles_per_byte_cache: { value: 0.125, source: '[C15], [C9]', fit: LLC_COPY_MODERN },
    checksum_cycles_per_byte: { value: 0.125, source: '[C6], [C7]' },
    irq_cycles: { value: 1500, source: '[R6], [X4], [X5]', fit: IRQ_DEFAULT },
    hardware_virtualization: true,
    posted_interrupts: true,
  },

  'epyc-milan': {
    help: 'AMD EPYC 7763 (Milan, Zen 3), 2.45 GHz, 64 cores per socket, AMD-V with AVIC (2021)',
    family: 'zen3',
    year: 2021,
    clock_ghz: { value: 2.45, source: '[P9]' },
    cores: { value: 128, source: '[P9]', fit: TWO_SOCKETS },
    vm_exit_cycles: {
      value: 1800,
      source: '[X14]',
      fit: 'X14 timed a whole KVM_RUN on an AMD host (model not stated; Dec 2020, so Zen 2 or Zen 3) at 2,528 cycles: 1,376 between VMRUN and #VMEXIT and 1,152 in the ioctl paths to and from user space. An exit handled in the kernel skips most of the latter: 1,376 + ~400 cycles of exit handling and re-entry = ~1,800',
    },
    copy_cycles_per_byte_dram: {
      value: 0.2,
      source: '[C1], [C3], [C5], [P9]',
      fit: 'no measurement found: assumed 12 GB/s, about twice the 2-socket Intel server figures of C1 and C3, since single-thread bandwidth follows outstanding misses per core over latency (C5) and Zen cores keep more misses in flight (not sourced here): 2.45 / 12 = 0.2 cycles/byte, uncertain by +-50 %',
    },
    copy_cycles_per_byte_cache: { value: 0.125, source: '[C15], [C9]', fit: LLC_COPY_MODERN },
    checksum_cycles_per_byte: { value: 0.125, source: '[C6], [C7]' },
    irq_cycles: { value: 1500, source: '[R6], [X4], [X5]', fit: IRQ_DEFAULT },
    hardware_virtualization: true,
    posted_interrupts: true,
  },

  'epyc-genoa': {
    help: 'AMD EPYC 9654 (Genoa, Zen 4), 2.4 GHz, 96 cores per socket, AMD-V with x2AVIC (2022)',
    family: 'zen4',
    year: 2022,
    clock_ghz: { value: 2.4, source: '[P10]' },
    cores: { value: 192, source: '[P10]', fit: TWO_SOCKETS },
    vm_exit_cycles: {
      value: 1800,
      source: '[X14]',
      fit: 'no Zen 4 measurement found: the Milan estimate (from X14) is kept, assuming SVM world switches did not get slower',
    },
    copy_cycles_per_byte_dram: {
      value: 0.2,
      source: '[C5], [P10]',
      fit: 'no measurement found: the Milan assumption (12 GB/s) is kept; DDR5 adds bandwidth but not single-thread concurrency (C5): 2.4 / 12 = 0.2 cycles/byte, uncertain by +-50 %',
    },
    copy_cycles_per_byte_cache: { value: 0.125, source: '[C15], [C9]', fit: LLC_COPY_MODERN },
    checksum_cycles_per_byte: { value: 0.125, source: '[C6], [C7]' },
    irq_cycles: { value: 1500, source: '[R6], [X4], [X5]', fit: IRQ_DEFAULT },
    hardware_virtualization: true,
    posted_interrupts: true,
  },
} as const satisfies Record<string, CpuPlatform>;

export type CpuPlatformName = keyof typeof CPU_PLATFORMS;
export const CPU_PLATFORM_NAMES = Object.keys(CPU_PLATFORMS) as CpuPlatformName[];

/** The platform a cost measurement was made on, for scaling it to another: Sandy Bridge-EN's lightest exit [X4]. */
const E5_2450_EXIT = 1300;

/**
 * The costs a platform sets: its own exit round trip, the other exits measured on the
 * E5-2450 scaled by its exit against that platform's ([X4]), its copy rate from DRAM, its
 * software checksum rate, and its interrupt cost. Costs not listed are taken to cost the same cycles everywhere.
 */
export function platformCosts(
  p: CpuPlatform,
): Record<
  'vm_exit' | 'eoi_exit' | 'kick_exit' | 'copy_per_byte' | 'copy_cached_per_byte' | 'checksum_per_byte' | 'irq_handler',
  number
> {
  const exitScale = p.vm_exit_cycles.value / E5_2450_EXIT;
  return {
    vm_exit: p.vm_exit_cycles.value,
    eoi_exit: Math.round(COSTS.eoi_exit.default * exitScale),
    kick_exit: Math.round(COSTS.kick_exit.default * exitScale),
    copy_per_byte: p.copy_cycles_per_byte_dram.value,
    copy_cached_per_byte: p.copy_cycles_per_byte_cache.value,
    checksum_per_byte: p.checksum_cycles_per_byte.value,
    irq_handler: p.irq_cycles.value,
  };
}

/** The numeric fields, in table order, with their column headings. */
const COLUMNS: readonly [keyof CpuPlatform, string][] = [
  ['clock_ghz', 'clock (GHz)'],
  ['cores', 'cores'],
  ['vm_exit_cycles', 'exit (cycles)'],
  ['copy_cycles_per_byte_dram', 'copy DRAM (c/B)'],
  ['copy_cycles_per_byte_cache', 'copy cache (c/B)'],
  ['checksum_cycles_per_byte', 'checksum (c/B)'],
  ['irq_cycles', 'irq (cycles)'],
];

function formatValue(v: PlatformValue): string {
  const n = v.value >= 100 ? v.value.toLocaleString('en-US') : String(v.value);
  return v.fit === undefined ? n : `~${n}`;
}

function valuesOf(p: CpuPlatform): PlatformValue[] {
  return COLUMNS.map(([key]) => p[key] as PlatformValue);
}

/** The part name at the start of `help`: up to the first comma outside parentheses. */
function cpuName(help: string): string {
  let depth = 0;
  for (let i = 0; i < help.length; i++) {
    const c = help[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) return help.slice(0, i);
  }
  return help;
}

/** The ids a platform's values cite, each once, in first-cited order. */
export function platformSources(p: CpuPlatform): string[] {
  const ids: string[] = [];
  for (const v of valuesOf(p))
    for (const id of v.source.match(/\[[A-Z]+\d+\]/g) ?? []) if (!ids.includes(id)) ids.push(id);
  return ids;
}

/** The catalog as a markdown table; '~' marks an argued estimate (a value with a `fit`). */
export function platformTable(): string {
  const head = ['platform', 'CPU', ...COLUMNS.map(([, h]) => h), 'VT', 'posted irq', 'sources'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const name of CPU_PLATFORM_NAMES) {
    const p: CpuPlatform = CPU_PLATFORMS[name];
    const cells = [
      `\`${name}\``,
      cpuName(p.help),
      ...valuesOf(p).map(formatValue),
      p.hardware_virtualization ? 'yes' : 'no',
      p.posted_interrupts ? 'yes' : 'no',
      platformSources(p).join(' '),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

/** Every estimate in the catalog with its argument, as a markdown list per platform. */
export function platformFits(): string {
  const out: string[] = [];
  for (const name of CPU_PLATFORM_NAMES) {
    const p: CpuPlatform = CPU_PLATFORMS[name];
    out.push(`### \`${name}\``, '', p.help, '');
    for (const [key, heading] of COLUMNS) {
      const v = p[key] as PlatformValue;
      const what = `- ${heading}: ${formatValue(v)} (${v.source})`;
      out.push(
        v.fit === undefined
          ? `${what}: from the sources (measured, specified, or arithmetic on those)`
          : `${what}: ${v.fit}`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
