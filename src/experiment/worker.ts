// A worker thread of the WorkerPool: runs the tasks it is sent and posts back their output.
import { parentPort } from 'node:worker_threads';
import { runTask, type Task } from './task.js';

parentPort!.on('message', (task: Task) => {
  try {
    parentPort!.postMessage({ output: runTask(task) });
  } catch (e) {
    const err = e as Error;
    parentPort!.postMessage({ error: { name: err.name, message: err.message } });
  }
});
