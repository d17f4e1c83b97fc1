import FastPriorityQueue from 'fastpriorityqueue';
import { Simulator, type EventHandler } from '../engine/simulator.js';

/**
 * The classic "hold" model: `pending` events in the queue; each event, when it fires,
 * schedules one successor at now + Exp(1). The exponential increments are drawn once into a
 * table shared by both implementations, so both do the same work apart from the queue.
 */
export interface HoldWorkload {
  events: number;
  pending: number;
  increments: Float64Array;
}

export function holdWorkload(events: number, pending: number): HoldWorkload {
  const increments = new Float64Array(1 << 20);
  // A fixed LCG: the bench is outside the simulation, but stays repeatable.
  let s = 12345;
  for (let i = 0; i < increments.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    increments[i] = -Math.log(1 - s / 4294967296);
  }
  return { events, pending, increments };
}

const MASK = (1 << 20) - 1;

/** Events per second of iovsim's Simulator on the hold model. */
export function holdIovsim(w: HoldWorkload): number {
  const sim = new Simulator();
  const inc = w.increments;
  let k = 0;
  let count = 0;
  const handler: EventHandler = {
    onEvent(): void {
      if (++count < w.events) sim.after(inc[k++ & MASK], handler);
      else sim.stop();
    },
  };
  for (let i = 0; i < w.pending; i++) sim.schedule(inc[k++ & MASK], handler);
  const t0 = performance.now();
  sim.run(Infinity);
  return count / ((performance.now() - t0) / 1000);
}

/**
 * Events per second of the reference: a minimal binary heap on parallel typed arrays
 * (time, sequence), with the same (time, sequence) order and the same replace-top step as the
 * engine, written here and nowhere else.
 */
export function holdTypedArrayHeap(w: HoldWorkload): number {
  const cap = w.pending + 1;
  const time = new Float64Array(cap);
  const seq = new Float64Array(cap);
  const inc = w.increments;
  let n = 0;
  let nextSeq = 0;
  let k = 0;
  const push = (t: number): void => {
    let i = n++;
    const q = nextSeq++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (time[p] < t || (time[p] === t && seq[p] < q)) break;
      time[i] = time[p];
      seq[i] = seq[p];
      i = p;
    }
    time[i] = t;
    seq[i] = q;
  };
  // The same step the engine takes when an event schedules its successor: the top is
  // replaced by the new key and sifted down once (not a pop and a push), so the ratio compares
  // like with like.
  const replaceTop = (t: number): void => {
    const q = nextSeq++;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (time[c + 1] < time[c] || (time[c + 1] === time[c] && seq[c + 1] < seq[c]))) c++;
      if (time[c] > t || (time[c] === t && seq[c] > q)) break;
      time[i] = time[c];
      seq[i] = seq[c];
      i = c;
    }
    time[i] = t;
    seq[i] = q;
  };
  for (let i = 0; i < w.pending; i++) push(inc[k++ & MASK]);
  const t0 = performance.now();
  let count = 0;
  while (count < w.events) {
    const now = time[0];
    count++;
    replaceTop(now + inc[k++ & MASK]);
  }
  return count / ((performance.now() - t0) / 1000);
}

/**
 * Events per second of FastPriorityQueue alone on the hold model: event ids ordered by the
 * engine's (time, sequence) comparator over typed arrays, the earliest replaced by its
 * successor, and nothing else (no handler, no engine). The event queue must be a
 * FastPriorityQueue, so this is the most any engine built on it can do: its ratio to
 * holdTypedArrayHeap is the ceiling for the engine's.
 */
export function holdFastPriorityQueue(w: HoldWorkload): number {
  const cap = w.pending + 1;
  const time = new Float64Array(cap);
  const seq = new Float64Array(cap);
  const queue = new FastPriorityQueue<number>((a, b) => time[a] < time[b] || (time[a] === time[b] && seq[a] < seq[b]));
  const inc = w.increments;
  let nextSeq = 0;
  let k = 0;
  for (let i = 0; i < w.pending; i++) {
    time[i] = inc[k++ & MASK];
    seq[i] = nextSeq++;
    queue.add(i);
  }
  const t0 = performance.now();
  let count = 0;
  while (count < w.events) {
    const id = queue.peek() as number;
    count++;
    time[id] += inc[k++ & MASK];
    seq[id] = nextSeq++;
    queue.replaceTop(id);
  }
  return count / ((performance.now() - t0) / 1000);
}
