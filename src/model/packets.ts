/**
 * Every packet in flight, as rows of parallel typed arrays. A packet is an integer id; ids
 * are recycled through a free list, so a run's memory follows the peak number of packets in
 * flight, not the number simulated.
 */
export class PacketTable {
  vm = new Int32Array(1024);
  bytes = new Int32Array(1024);
  /** Wire frames the packet becomes: 1, or more for a TSO segment that the NIC cuts into frames. `bytes` counts all of them. */
  frames = new Int32Array(1024);
  /** Time (ns) the source offered the packet: latency runs from here to delivery. */
  born = new Float64Array(1024);
  private free = new Int32Array(1024);
  private freeCount = 0;
  private used = 0;
  /** Packets allocated and not yet released. */
  live = 0;

  alloc(vm: number, bytes: number, born: number, frames = 1): number {
    let id: number;
    if (this.freeCount > 0) id = this.free[--this.freeCount];
    else {
      if (this.used === this.vm.length) this.grow();
      id = this.used++;
    }
    this.vm[id] = vm;
    this.bytes[id] = bytes;
    this.frames[id] = frames;
    this.born[id] = born;
    this.live++;
    return id;
  }

  release(id: number): void {
    this.free[this.freeCount++] = id;
    this.live--;
  }

  private grow(): void {
    const n = this.vm.length * 2;
    const grow32 = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.vm = grow32(this.vm);
    this.bytes = grow32(this.bytes);
    this.frames = grow32(this.frames);
    this.free = grow32(this.free);
    const born = new Float64Array(n);
    born.set(this.born);
    this.born = born;
  }
}
