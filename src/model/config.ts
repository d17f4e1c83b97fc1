/**
 * The model's input, fully resolved: every unit converted (ns, Gbit/s, packets/s), every
 * default applied. The scenario layer builds it from a file; tests may build it directly.
 */

/** Frame sizes (bytes, without preamble and gap) with relative weights. */
export interface FrameMix {
  bytes: number[];
  weights: number[];
}

export type Arrivals = { kind: 'constant' } | { kind: 'poisson' } | { kind: 'on-off'; onNs: number; offNs: number };

export interface VmTraffic {
  /** Offered packets/s (open loop only). */
  pps: number;
  frames: FrameMix;
  arrivals: Arrivals;
}

export interface ModelConfig {
  seed: number;
  durationNs: number;
  warmupNs: number;
  /** When set, latency is also recorded as a series of this many equal time buckets over the run (for choosing a warm-up). */
  latencyBuckets?: number;
  host: {
    cores: number;
    clockGhz: number;
    /** Cores 0..n-1 run the hypervisor's I/O work. */
    hypervisorCores: number;
    /** Core of VM i's vCPU is vcpuCores[i mod length]. */
    vcpuCores: number[];
    vringDescriptors: number;
    napiBudget: number;
  };
  nic: {
    lineRateGbps: number;
    rxRing: number;
    txRing: number;
    vmdqPools: number;
    vfs: number;
    /** Cap on interrupts/s per vector; 0 means no moderation. */
    itrPerSec: number;
    switchBuffer: number;
  };
  vms: number;
  traffic: {
    direction: 'rx' | 'tx';
    /** `saturate`: each VM keeps `window` packets in flight (closed loop); `open`: sources offer their rate. */
    mode: 'saturate' | 'open';
    window: number;
    socketBuffer: number;
    /** Transmit segmentation offload: the stack hands the driver segments of this many frames, which the NIC cuts up. 1 = none. */
    tsoFrames: number;
    perVm: VmTraffic[];
  };
}

export const meanFrameBytes = (m: FrameMix): number => {
  let s = 0;
  let w = 0;
  for (let i = 0; i < m.bytes.length; i++) {
    s += m.bytes[i] * m.weights[i];
    w += m.weights[i];
  }
  return s / w;
};

/** Frame sizes the model accepts, in bytes: minimum Ethernet frame to a 9,198-byte-MTU jumbo frame. */
export const MIN_FRAME = 64;
export const MAX_FRAME = 9216;

/** Wire overhead per frame: preamble (8 B) and inter-frame gap (12 B) ([W1], RFC 5180). */
export const WIRE_OVERHEAD_BYTES = 20;

/** TCP payload in a frame: minus Ethernet header and FCS (18 B), IP and TCP headers with timestamps (52 B). 1518 B gives 1448 B ([W9]). */
export const tcpPayloadBytes = (frameBytes: number): number => Math.max(0, frameBytes - 70);
