/**
 * Hardware a scenario can name instead of spelling out: `nic: intel-82599`, `host:
 * opteron-8389x2`. Each entry gives only what the reference file states
 * (docs/references.md); a scenario can still override any field.
 */
export interface NicModel {
  lineRateGbps: number;
  vmdq_pools: number;
  vfs: number;
  help: string;
  source: string;
}

export const NIC_CATALOG = {
  generic: {
    lineRateGbps: 10,
    vmdq_pools: 16,
    vfs: 63,
    help: "iovsim's default: a 10 GbE port with 82598-style VMDq pools and 82599-style VFs",
    source: '[N1], [N2]',
  },
  'intel-82598': {
    lineRateGbps: 10,
    vmdq_pools: 16,
    vfs: 0,
    help: 'Intel 82598EB 10 GbE: 64 receive queues, up to 16 VMDq pools, no SR-IOV',
    source: '[N1]: 82598EB datasheet; Intel ESL white paper',
  },
  'intel-82599': {
    lineRateGbps: 10,
    vmdq_pools: 64,
    vfs: 63,
    help: 'Intel 82599 / X520 10 GbE: 128 queues each way, 63 usable VFs (one pool kept by the PF), 64 pools',
    source: '[N2]: Linux ixgbe documentation; Intel product brief',
  },
  'intel-82576': {
    lineRateGbps: 1,
    vmdq_pools: 8,
    vfs: 7,
    help: 'Intel 82576 1 GbE: up to 7 VFs per port; 8 pools (7 VFs and the PF)',
    source: '[N3]: Linux igb documentation (pools derived as VFs + 1)',
  },
  'intel-e810-25g': {
    lineRateGbps: 25,
    vmdq_pools: 0,
    vfs: 256,
    help: 'Intel E810 (800 series) 25 GbE port: up to 256 VFs per device (shared by its ports), no VMDq pools',
    source: '[N7]: Linux ice documentation and driver (ICE_MAX_SRIOV_VFS); DPDK ice feature matrix',
  },
  'intel-e810-100g': {
    lineRateGbps: 100,
    vmdq_pools: 0,
    vfs: 256,
    help: 'Intel E810 (800 series) 100 GbE port: up to 256 VFs per device, no VMDq pools',
    source: '[N7]: Linux ice documentation and driver (ICE_MAX_SRIOV_VFS); DPDK ice feature matrix',
  },
  'nvidia-cx6dx-100g': {
    lineRateGbps: 100,
    vmdq_pools: 0,
    vfs: 127,
    help: 'NVIDIA ConnectX-6 Dx 100 GbE port: up to 127 VFs per port (firmware-set), no VMDq pools',
    source: '[N9]: NVIDIA MLNX_OFED and DOCA SR-IOV documentation; DPDK mlx5 feature matrix',
  },
} as const satisfies Record<string, NicModel>;

export interface HostModel {
  cores: number;
  clockGhz: number;
  help: string;
  source: string;
}

export const HOST_CATALOG = {
  generic: {
    cores: 8,
    clockGhz: 2.9,
    help: "iovsim's default host: 8 cores at 2.9 GHz (the R2 testbed)",
    source: '[R2]',
  },
  'opteron-8389x2': {
    cores: 8,
    clockGhz: 2.9,
    help: 'two quad-core AMD Opteron 8389 at 2.9 GHz',
    source: '[R2]: AnandTech (2010) testbed, 2x Opteron 8389 2.9 GHz (8 cores)',
  },
} as const satisfies Record<string, HostModel>;

export type NicModelName = keyof typeof NIC_CATALOG;
export type HostModelName = keyof typeof HOST_CATALOG;
export const NIC_MODELS = Object.keys(NIC_CATALOG) as NicModelName[];
export const HOST_MODELS = Object.keys(HOST_CATALOG) as HostModelName[];

/**
 * Interrupt throttle rate presets of the Linux ixgbe driver, in interrupts/s per vector
 * (docs/references.md [I1]): no moderation, lowest latency, low latency, bulk.
 */
export const ITR_PRESETS = { off: 0, 'lowest-latency': 100_000, 'low-latency': 20_000, bulk: 8_000 } as const;
export type ItrPreset = keyof typeof ITR_PRESETS;
/** The range ixgbe accepts for InterruptThrottleRate, per vector (docs/references.md [I2]). */
export const ITR_RANGE = { min: 956, max: 488_281 } as const;

/** The catalogs as docs/scenarios.md shows them. */
export function catalogTable(): string {
  const lines = ['| name | what it sets | source |', '|---|---|---|'];
  for (const [name, n] of Object.entries(NIC_CATALOG) as [string, NicModel][]) {
    lines.push(
      `| \`nic: ${name}\`${name === 'generic' ? ' (default)' : ''} | ${n.lineRateGbps} Gbit/s, ${n.vmdq_pools} VMDq pools, ${n.vfs} VFs: ${n.help} | ${n.source} |`,
    );
  }
  for (const [name, h] of Object.entries(HOST_CATALOG) as [string, HostModel][]) {
    lines.push(
      `| \`host: ${name}\`${name === 'generic' ? ' (default)' : ''} | ${h.cores} cores at ${h.clockGhz} GHz: ${h.help} | ${h.source} |`,
    );
  }
  return lines.join('\n') + '\n';
}
