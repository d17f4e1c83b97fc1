// A worker thread of the WorkerPool: runs the tasks it is sent and posts back their output.
import { parentPort } from 'node:worker_threads';
import { InputError } from '../errors.js';
import { runTask, type Task } from './task.js';

parentPort!.on('message', (task: Task) => {
  try {
    parentPort!.postMessage({ output: runTask(task) });
  } catch (e) {
    const err = e as Error;
    const input = e instanceof InputError ? { fieldPath: e.fieldPath, expected: e.expected, found: e.found, file: e.file } : undefined;
    parentPort!.postMessage({ error: { name: err.name, message: err.message, input } });
  }
});
