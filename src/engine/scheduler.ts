import FastPriorityQueue from 'fastpriorityqueue';

/**
 * The future-event set, kept behind an interface so another scheduler can be swapped in
 * (as ns-3 does). Events are small integer ids; the simulator owns their time and sequence
 * in typed arrays, and hands the scheduler a `less(a, b)` that orders two ids.
 */
export interface Scheduler {
  /** Inserts event `id`. */
  push(id: number): void;
  /** Removes and returns the earliest event id; -1 when empty. */
  pop(): number;
  /** Returns the earliest event id without removing it; -1 when empty. */
  peek(): number;
  /** Removes the earliest event and inserts `id` in one step (one sift instead of two). */
  replaceTop(id: number): void;
  /** Number of pending events. */
  readonly size: number;
}

export type SchedulerFactory = (less: (a: number, b: number) => boolean) => Scheduler;

/** The default scheduler: a FastPriorityQueue (binary heap) of event ids. */
export class FastPriorityQueueScheduler implements Scheduler {
  private readonly heap: FastPriorityQueue<number>;

  constructor(less: (a: number, b: number) => boolean) {
    this.heap = new FastPriorityQueue<number>(less);
  }

  push(id: number): void {
    this.heap.add(id);
  }

  pop(): number {
    return this.heap.size === 0 ? -1 : (this.heap.poll() as number);
  }

  peek(): number {
    return this.heap.size === 0 ? -1 : (this.heap.peek() as number);
  }

  replaceTop(id: number): void {
    this.heap.replaceTop(id);
  }

  get size(): number {
    return this.heap.size;
  }
}

export const fastPriorityQueueScheduler: SchedulerFactory = (less) => new FastPriorityQueueScheduler(less);
