// A worker thread of the WorkerPool: runs the tasks it is sent and posts back their output.
import { parentPort, workerData } from 'node:worker_threads';
import { setStopFlag } from '../engine/simulator.js';
import { runTask, type Task } from './task.js';

const shared = workerData as { stop: SharedArrayBuffer; beat: SharedArrayBuffer };
// The pool's stop flag: set, every run of this thread stops within STOP_CHECK_EVENTS events.
// The beat counts this thread's signs of life, by which the pool tells a long run from a hang.
const beat = new Int32Array(shared.beat);
setStopFlag(new Int32Array(shared.stop), beat);
Atomics.add(beat, 0, 1);

parentPort!.on('message', (task: Task) => {
  Atomics.add(beat, 0, 1);
  try {
    parentPort!.postMessage({ output: runTask(task) });
  } catch (e) {
    const err = e as Error;
    parentPort!.postMessage({ error: { name: err.name, message: err.message } });
  }
});
