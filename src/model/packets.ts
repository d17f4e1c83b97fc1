/**
 * What a packet is to the stacks that handle it: bulk data, a pure TCP ACK, a request or a
 * response. Work items of a hop may apply to some kinds only (an ACK has no payload to copy,
 * a data segment no request to serve).
 */
export const PACKET_KINDS = ['data', 'ack', 'request', 'response'] as const;
export type PacketKind = (typeof PACKET_KINDS)[number];
export const DATA = 0;
export const ACK = 1;
export const REQUEST = 2;
export const RESPONSE = 3;
export const KIND_COUNT = PACKET_KINDS.length;

/**
 * Every packet in flight, as rows of parallel typed arrays. A packet is an integer id; ids
 * are recycled through a free list, so a run's memory follows the peak number of packets in
 * flight, not the number simulated. A packet may stand for several frames: a TSO segment
 * the NIC will cut up, or an aggregate that LRO or GRO merged. Conservation is counted in
 * frames, since merging retires ids.
 */
export class PacketTable {
  vm = new Int32Array(1024);
  bytes = new Int32Array(1024);
  /** Wire frames the packet stands for; `bytes` counts all of them. */
  frames = new Int32Array(1024);
  kind = new Uint8Array(1024);
  /** Time (ns) the source offered the packet (for a response: when its request was issued): latency runs from here. */
  born = new Float64Array(1024);
  /** Sum of the birth times of the packet's frames (frames x born, until merged): each frame's own time in system, for Little's law. */
  bornTotal = new Float64Array(1024);
  /** A kind's extra number: for an ACK, the bytes it acknowledges; for a request or response, its transaction slot. */
  info = new Float64Array(1024);
  private free = new Int32Array(1024);
  private freeCount = 0;
  private used = 0;
  /** Packets allocated and not yet released. */
  live = 0;
  /** Frames in the live packets of kind data, request and response (ACKs are counted apart). */
  liveFrames = 0;
  /** Live ACKs. */
  liveAcks = 0;
  /** Sum of the birth times of the frames in liveFrames: their total age at time t is liveFrames x t - this. */
  liveBornTotal = 0;

  alloc(vm: number, bytes: number, born: number, frames = 1, kind = DATA, info = 0): number {
    let id: number;
    if (this.freeCount > 0) id = this.free[--this.freeCount];
    else {
      if (this.used === this.vm.length) this.grow();
      id = this.used++;
    }
    this.vm[id] = vm;
    this.bytes[id] = bytes;
    this.frames[id] = frames;
    this.kind[id] = kind;
    this.born[id] = born;
    this.bornTotal[id] = born * frames;
    this.info[id] = info;
    this.live++;
    if (kind === ACK) this.liveAcks++;
    else {
      this.liveFrames += frames;
      this.liveBornTotal += born * frames;
    }
    return id;
  }

  release(id: number): void {
    this.free[this.freeCount++] = id;
    this.live--;
    if (this.kind[id] === ACK) this.liveAcks--;
    else {
      this.liveFrames -= this.frames[id];
      this.liveBornTotal -= this.bornTotal[id];
    }
  }

  /**
   * Merges packet `other` into `into` (aggregation): bytes and frames add up, `into` keeps
   * the earlier birth, and `other` is retired. Frames stay live, in `into`.
   */
  merge(into: number, other: number): void {
    this.bytes[into] += this.bytes[other];
    this.frames[into] += this.frames[other];
    this.bornTotal[into] += this.bornTotal[other];
    if (this.born[other] < this.born[into]) this.born[into] = this.born[other];
    this.free[this.freeCount++] = other;
    this.live--;
  }

  private grow(): void {
    const n = this.vm.length * 2;
    const grow32 = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    const grow64 = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.vm = grow32(this.vm);
    this.bytes = grow32(this.bytes);
    this.frames = grow32(this.frames);
    this.free = grow32(this.free);
    const kind = new Uint8Array(n);
    kind.set(this.kind);
    this.kind = kind;
    this.born = grow64(this.born);
    this.bornTotal = grow64(this.bornTotal);
    this.info = grow64(this.info);
  }
}
