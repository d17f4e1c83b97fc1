/**
 * A ring of descriptors: a bounded FIFO of packet ids. A packet holds its descriptor from
 * the moment it is placed until its consumer has finished with it. A hop that owns one ring
 * extends it, so the ring's state sits in the hop's own object (one object fewer to reach
 * per packet, which counts with a thousand VMs' rings).
 */
export class Ring {
  private buf: Int32Array;
  private head = 0;
  private count = 0;

  /** `capacity` descriptors; Infinity makes an unbounded queue that grows as needed. */
  constructor(readonly capacity: number) {
    this.buf = new Int32Array(Number.isFinite(capacity) ? capacity : 64);
  }

  get length(): number {
    return this.count;
  }

  /** Appends `id`; false (and nothing changes) when the ring is full. */
  push(id: number): boolean {
    if (this.count >= this.capacity) return false;
    if (this.count === this.buf.length) this.grow();
    let at = this.head + this.count;
    if (at >= this.buf.length) at -= this.buf.length;
    this.buf[at] = id;
    this.count++;
    return true;
  }

  /** The oldest id; -1 when empty. */
  peek(): number {
    return this.count === 0 ? -1 : this.buf[this.head];
  }

  /** The newest id; -1 when empty. */
  peekTail(): number {
    if (this.count === 0) return -1;
    let at = this.head + this.count - 1;
    if (at >= this.buf.length) at -= this.buf.length;
    return this.buf[at];
  }

  /** Removes and returns the oldest id; -1 when empty. */
  shift(): number {
    if (this.count === 0) return -1;
    const id = this.buf[this.head];
    if (++this.head === this.buf.length) this.head = 0;
    this.count--;
    return id;
  }

  private grow(): void {
    const next = new Int32Array(this.buf.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.buf[(this.head + i) % this.buf.length];
    this.buf = next;
    this.head = 0;
  }
}
