// FastPriorityQueue alone against the reference heap, in a process of its own: its comparator
// in the bench's process would make the calls inside FastPriorityQueue see two comparators,
// slowing the engine's queue measured there (by about a quarter in section 1, measured).
import { holdFastPriorityQueue, holdTypedArrayHeap, holdWorkload } from './hold.js';

const [events, pending, rounds] = process.argv.slice(2).map(Number);
const w = holdWorkload(events, pending);
const fpq: number[] = [];
const ref: number[] = [];
for (let r = 0; r < rounds; r++) {
  // Alternating the order, as the bench's other pairs are.
  if (r % 2) {
    ref.push(holdTypedArrayHeap(w));
    fpq.push(holdFastPriorityQueue(w));
  } else {
    fpq.push(holdFastPriorityQueue(w));
    ref.push(holdTypedArrayHeap(w));
  }
}
process.stdout.write(JSON.stringify({ fpq, ref }) + '\n');
