/**
 * The studio's simulation worker: the CLI's own runTask (model, operational-law checks,
 * MSER-5 warm-up) in a Web Worker, so the page never waits on a run. It takes one path's
 * task, reports progress, and answers with the row `iovsim run` would write for it.
 */
import { runTask, type Task } from '../experiment/task.js';
import { resultRow } from '../metrics/metrics.js';

export interface WorkerRequest {
  task: Task;
}

export type WorkerReply =
  | { type: 'progress'; done: number }
  | { type: 'done'; row: Record<string, string | number>; warnings: string[] }
  | { type: 'error'; message: string };

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply): void;
};

scope.onmessage = (e) => {
  const { task } = e.data;
  try {
    const out = runTask(task, (done) => scope.postMessage({ type: 'progress', done }));
    scope.postMessage({ type: 'done', row: resultRow(task.label, out.result), warnings: out.warnings });
  } catch (err) {
    scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
