// A worker thread of the WorkerPool: runs the tasks it is sent and posts back their output.
import { parentPort, workerData } from 'node:worker_threads';
import { setStopFlag } from '../engine/simulator.js';
import { runTask, type Task } from './task.js';

// The pool's stop flag: set, every run of this thread stops within STOP_CHECK_EVENTS events.
setStopFlag(new Int32Array((workerData as { stop: SharedArrayBuffer }).stop));

parentPort!.on('message', (task: Task) => {
  try {
    parentPort!.postMessage({ output: runTask(task) });
  } catch (e) {
    const err = e as Error;
    parentPort!.postMessage({ error: { name: err.name, message: err.message } });
  }
});
