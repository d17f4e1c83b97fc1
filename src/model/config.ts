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

/**
 * How a moderated interrupt vector limits its rate: a fixed throttle rate (ixgbe's
 * InterruptThrottleRate, [I1]), or adapting to the traffic as the driver does: ixgbe's early
 * three-class algorithm ([I3]) or its current one ([I4]).
 */
export type Moderation =
  { kind: 'fixed'; perSec: number } | { kind: 'adaptive'; algorithm: 'ixgbe-classes' | 'ixgbe-current' };

/** Request/response traffic: each VM serves transactions (a request in, a response out). */
export interface RequestResponse {
  /** Frame size of a request (one frame). */
  requestFrameBytes: number;
  /** Frames of a response, and the size of each. */
  responseFrames: number;
  responseFrameBytes: number;
  /** Transactions each VM's client keeps outstanding (closed loop); 0 for an open loop at `ratePerVm`. */
  concurrency: number;
  /** Requests/s each VM's client issues (open loop, Poisson). */
  ratePerVm: number;
  /** Application cycles the server spends on a request, on the VM's vCPU. */
  appCycles: number;
  /** Time the remote client takes from a response's last frame to its next request (ns). */
  peerLatencyNs: number;
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
    /** Interrupts reach a running vCPU without exits (APICv/AVIC posted interrupts) on notifications that allow it. */
    postedInterrupts: boolean;
    /** Generic receive offload in the kernels' NAPI polls: consecutive frames of a flow merge up to groMaxBytes. */
    gro: boolean;
    groMaxBytes: number;
  };
  nic: {
    lineRateGbps: number;
    rxRing: number;
    txRing: number;
    vmdqPools: number;
    vfs: number;
    moderation: Moderation;
    switchBuffer: number;
    /** Large receive offload in the NIC: frames of a flow merge before DMA, up to lroMaxBytes. */
    lro: boolean;
    lroMaxBytes: number;
    /** The NIC computes and checks checksums; hops marked `checksum: without_offload` then do none in software. */
    checksumOffload: boolean;
  };
  vms: number;
  traffic: {
    direction: 'rx' | 'tx';
    /**
     * `saturate`: bulk TCP, each VM's sender keeps at most `windowBytes` unacknowledged and
     * the receiver ACKs every `ackEvery` full segments; `open`: sources offer their rate, no
     * ACKs; `request-response`: transactions (traffic.rr).
     */
    mode: 'saturate' | 'open' | 'request-response';
    windowBytes: number;
    /** The receiver sends an ACK once it holds this many full segments (MSS) unacknowledged ([L2]: 2). */
    ackEvery: number;
    /** The remote receiver (transmit direction) merges frames of a segment before ACKing (GRO at the peer). */
    peerGro: boolean;
    socketBuffer: number;
    /** Transmit segmentation offload: the stack hands the driver segments of this many frames, which the NIC cuts up. 1 = none. */
    tsoFrames: number;
    perVm: VmTraffic[];
    rr?: RequestResponse;
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

/** Ethernet header and FCS (18 B), IP and TCP headers with timestamps (52 B): what a frame carries besides TCP payload. */
export const TCP_FRAME_OVERHEAD = 70;

/** TCP payload in a frame. 1518 B gives 1448 B ([W9]). */
export const tcpPayloadBytes = (frameBytes: number): number => Math.max(0, frameBytes - TCP_FRAME_OVERHEAD);

/** A pure ACK: a frame with headers and no payload (70 B; 90 B on the wire). */
export const ACK_FRAME_BYTES = TCP_FRAME_OVERHEAD;

/** Delayed-ACK timer: an ACK for fewer than `ackEvery` segments goes out this long after the first ([L3], 40 ms minimum). */
export const DELAYED_ACK_NS = 40e6;
