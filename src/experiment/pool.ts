import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InvariantError, runTask, type Task, type TaskOutput } from './task.js';

/** Runs tasks, in this thread (jobs = 1) or on worker threads. Results do not depend on which. */
export interface TaskRunner {
  run(task: Task): Promise<TaskOutput>;
  close(): Promise<void>;
}

/** jobs = 1: each task runs here, one after the other. */
export class InlineRunner implements TaskRunner {
  run(task: Task): Promise<TaskOutput> {
    return new Promise((resolve, reject) => {
      // A macrotask between runs lets signals and progress output through.
      setImmediate(() => {
        try {
          resolve(runTask(task));
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  async close(): Promise<void> {}
}

/** The compiled worker script; under the test runner the sources are .ts, so use the build. */
function workerFile(): string {
  const here = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(here)) return here;
  return fileURLToPath(new URL('../../dist/experiment/worker.js', import.meta.url));
}

/** An error as a worker posts it: structured clone keeps no class, so the name travels. */
interface WorkerError {
  name: string;
  message: string;
}

/**
 * The error a worker threw. Input is checked before anything runs, so a worker's error is a
 * broken law (InvariantError) or another bug.
 */
function rebuild(e: WorkerError): Error {
  return e.name === 'InvariantError' ? new InvariantError(e.message) : new Error(e.message);
}

interface Pending {
  task: Task;
  resolve: (o: TaskOutput) => void;
  reject: (e: Error) => void;
}

/**
 * Up to `jobs` worker threads taking tasks from one queue. Workers start when there is
 * work for them: a run of a single task (one path of one scenario) runs it here, in this
 * thread, since starting a worker (loading the model again) would cost more than the task
 * often does; as soon as two tasks are queued at once, or a task arrives while one runs,
 * tasks go to workers. Results do not depend on where a task ran.
 */
export class WorkerPool implements TaskRunner {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private scheduled = false;
  private inline = false;

  constructor(private readonly jobs: number) {}

  run(task: Task): Promise<TaskOutput> {
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      // Decide after the tasks submitted together (in the same turn) are all queued.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.dispatch();
        });
      }
    });
  }

  private spawn(): Worker {
    const w = new Worker(workerFile());
    w.on('message', (msg: { output?: TaskOutput; error?: WorkerError }) => {
      const p = this.busy.get(w)!;
      this.busy.delete(w);
      if (msg.error) p.reject(rebuild(msg.error));
      else p.resolve(msg.output!);
      this.idle.push(w);
      this.dispatch();
    });
    w.on('error', (e) => {
      const p = this.busy.get(w);
      this.busy.delete(w);
      p?.reject(e);
    });
    this.all.push(w);
    return w;
  }

  private dispatch(): void {
    if (this.all.length === 0 && !this.inline && this.queue.length === 1) {
      const p = this.queue.shift()!;
      this.inline = true;
      try {
        p.resolve(runTask(p.task));
      } catch (e) {
        p.reject(e as Error);
      } finally {
        this.inline = false;
      }
      return;
    }
    while (this.queue.length > 0) {
      const w = this.idle.pop() ?? (this.all.length < this.jobs ? this.spawn() : undefined);
      if (w === undefined) break;
      const p = this.queue.shift()!;
      this.busy.set(w, p);
      w.postMessage(p.task);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}

export const taskRunner = (jobs: number): TaskRunner => (jobs <= 1 ? new InlineRunner() : new WorkerPool(jobs));
