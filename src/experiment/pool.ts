import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SimulationStopped } from '../engine/simulator.js';
import { InvariantError, runTask, type Task, type TaskOutput } from './task.js';

/** Runs tasks, in this thread (jobs = 1) or on worker threads. Results do not depend on which. */
export interface TaskRunner {
  run(task: Task): Promise<TaskOutput>;
  /**
   * Stops: tasks not started fail at once, runs in flight within milliseconds (they fail
   * with SimulationStopped). Only worker threads can be stopped mid-run: a run in this
   * thread keeps it busy until it ends.
   */
  abort(): void;
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

  abort(): void {}

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
  if (e.name === 'SimulationStopped') return new SimulationStopped();
  return e.name === 'InvariantError' ? new InvariantError(e.message) : new Error(e.message);
}

/** How long a stopped worker may take to notice its flag before it is terminated. */
const STOP_GRACE_MS = 300;

/**
 * How long a busy worker may show no sign of life before it is taken for hung. A worker
 * counts one when it has loaded, one when it takes a task, and one every STOP_CHECK_EVENTS
 * events of a run (tens of milliseconds), so a run, however long, keeps counting; only a
 * thread stuck outside the event loop, or a reply lost, stops the count.
 */
export const STALL_MS = 30_000;

/** Choices of a WorkerPool other than its size; the defaults are what the CLI uses. */
export interface PoolOptions {
  /** The worker script: the compiled worker.ts (another only in tests). */
  file?: string;
  /** Milliseconds without a sign of life before a busy worker is taken for hung (STALL_MS). */
  stallMs?: number;
  /** Told, in one line, when a hung worker's task is started again on a new thread. */
  onStall?: (message: string) => void;
}

interface Pending {
  task: Task;
  resolve: (o: TaskOutput) => void;
  reject: (e: Error) => void;
  /** Times this task was taken from a hung worker. */
  stalls: number;
}

/** What the pool watches of a worker: its counter of signs of life, and since when it has not moved. */
interface Life {
  beat: Int32Array;
  seen: number;
  since: number;
}

/**
 * Up to `jobs` worker threads taking tasks from one queue. A worker starts when a task finds
 * none idle (so a study of one run starts one), or ahead of time with `prestart`: a worker
 * takes tens of milliseconds to load the model, time the caller can spend planning. A worker
 * that dies leaves the pool; one that dies before its first task (it could not load) fails
 * the tasks waiting and those to come with its error, rather than leave them waiting. A busy
 * worker that shows no sign of life for `stallMs` is terminated and its task started again
 * on a new thread (a task is a pure function of its input, so the result is the same); a
 * task that hangs a second thread fails, so nothing waits forever.
 */
export class WorkerPool implements TaskRunner {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly lives = new Map<Worker, Life>();
  /** Workers terminated as hung: their exit is expected and fails nothing. */
  private readonly retired = new Set<Worker>();
  /** Shared with every worker: set to 1 to stop their runs (see Simulator's stop flag). */
  private readonly stop = new Int32Array(new SharedArrayBuffer(4));
  private stopped = false;
  private failure: Error | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly file: string;
  private readonly stallMs: number;
  private readonly onStall: ((message: string) => void) | undefined;

  constructor(
    private readonly jobs: number,
    prestart = 0,
    options: PoolOptions = {},
  ) {
    this.file = options.file ?? workerFile();
    this.stallMs = options.stallMs ?? STALL_MS;
    this.onStall = options.onStall;
    for (let i = 0; i < Math.min(prestart, jobs); i++) this.spawn();
  }

  /** Workers alive: started, and not exited (a dead one leaves the pool). */
  get alive(): number {
    return this.all.length;
  }

  private spawn(): void {
    const beat = new Int32Array(new SharedArrayBuffer(4));
    const w = new Worker(this.file, { workerData: { stop: this.stop.buffer, beat: beat.buffer } });
    this.lives.set(w, { beat, seen: 0, since: performance.now() });
    w.on('message', (msg: { output?: TaskOutput; error?: WorkerError }) => {
      const p = this.busy.get(w);
      // A reply from a worker already taken for hung: its task went to another.
      if (p === undefined) return;
      this.busy.delete(w);
      if (msg.error) p.reject(rebuild(msg.error));
      else p.resolve(msg.output!);
      this.idle.push(w);
      this.dispatch();
    });
    // What the worker threw, uncaught: the reason it exits.
    let died: Error | undefined;
    w.on('error', (e) => {
      died = e;
      const p = this.busy.get(w);
      this.busy.delete(w);
      p?.reject(e);
    });
    w.on('exit', () => {
      this.lives.delete(w);
      if (this.retired.delete(w)) return;
      // Terminated after a stop with a task in flight, the task fails as stopped. Exited
      // while idle (it could not load), it takes the tasks waiting with it: started again,
      // it would fail again.
      const p = this.busy.get(w);
      this.forget(w);
      if (p)
        p.reject(this.stopped ? new SimulationStopped() : (died ?? new Error('a worker thread exited during a run')));
      else if (!this.stopped) this.fail(died ?? new Error('a worker thread exited before it was given a task'));
      this.dispatch();
    });
    this.all.push(w);
    this.idle.push(w);
  }

  /** Takes a dead worker out of the pool. */
  private forget(w: Worker): void {
    this.busy.delete(w);
    const i = this.idle.indexOf(w);
    if (i >= 0) this.idle.splice(i, 1);
    const j = this.all.indexOf(w);
    if (j >= 0) this.all.splice(j, 1);
  }

  /** A worker could not start: every task waiting, and every later one, fails with its error. */
  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.queue.splice(0)) p.reject(e);
  }

  run(task: Task): Promise<TaskOutput> {
    if (this.stopped) return Promise.reject(new SimulationStopped());
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject, stalls: 0 });
      this.dispatch();
    });
  }

  /**
   * Sets the shared stop flag, fails the queued tasks, and terminates any worker still busy
   * after STOP_GRACE_MS (a run stuck outside the event loop): nothing outlives a stop.
   */
  abort(): void {
    if (this.stopped) return;
    this.stopped = true;
    Atomics.store(this.stop, 0, 1);
    for (const p of this.queue.splice(0)) p.reject(new SimulationStopped());
    if (this.busy.size === 0) return;
    const timer = setTimeout(() => {
      for (const w of this.busy.keys()) void w.terminate();
    }, STOP_GRACE_MS);
    timer.unref();
  }

  private dispatch(): void {
    // A worker for each task no idle one will take, up to jobs: it takes its task once loaded.
    while (!this.stopped && !this.failure && this.idle.length < this.queue.length && this.all.length < this.jobs)
      this.spawn();
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const p = this.queue.shift()!;
      this.busy.set(w, p);
      const life = this.lives.get(w)!;
      life.seen = Atomics.load(life.beat, 0);
      life.since = performance.now();
      w.postMessage(p.task);
    }
    if (this.busy.size > 0 && this.watchdog === undefined && !this.stopped) {
      // Unreferenced: a busy worker keeps the process alive, the watchdog need not.
      this.watchdog = setInterval(() => this.watch(), Math.min(1000, this.stallMs / 4));
      this.watchdog.unref();
    }
  }

  /** Looks at every busy worker's count; one that has not moved for stallMs is hung. */
  private watch(): void {
    if (this.busy.size === 0) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
      return;
    }
    const now = performance.now();
    for (const [w, p] of [...this.busy]) {
      const life = this.lives.get(w)!;
      const beat = Atomics.load(life.beat, 0);
      if (beat !== life.seen) {
        life.seen = beat;
        life.since = now;
      } else if (now - life.since >= this.stallMs) {
        // Judged after the poll phase, which delivers any reply that came while this thread was
        // held up (a long synchronous step): only a worker still silent then is hung.
        setImmediate(() => {
          if (this.busy.get(w) === p && Atomics.load(life.beat, 0) === life.seen) this.hung(w, p, life);
        });
      }
    }
  }

  /** Ends a hung worker; its task starts again on a new thread, or fails if it hung one before. */
  private hung(w: Worker, p: Pending, life: Life): void {
    this.retired.add(w);
    this.forget(w);
    // Should it not end (a thread blocked in a system call), it must not keep the process alive.
    w.unref();
    void w.terminate();
    const state = life.seen === 0 ? 'it never finished loading' : `${life.seen} signs of life, then none`;
    const span = this.stallMs >= 1000 ? `${this.stallMs / 1000} s` : `${this.stallMs} ms`;
    const what = `a worker thread showed no sign of life for ${span} (${state})`;
    if (this.stopped) p.reject(new SimulationStopped());
    // No new thread can start once one failed to load: the task would wait forever.
    else if (this.failure) p.reject(this.failure);
    else if (p.stalls++ > 0) p.reject(new Error(`${what}, the second thread to hang on this run`));
    else {
      this.queue.unshift(p);
      try {
        this.onStall?.(`${what}; its run was started again on a new thread`);
      } catch {
        // A listener's failure must not lose the task, nor escape from the watchdog's timer.
      }
    }
    this.dispatch();
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    for (const p of this.queue.splice(0)) p.reject(new SimulationStopped());
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}

export const taskRunner = (jobs: number): TaskRunner => (jobs <= 1 ? new InlineRunner() : new WorkerPool(jobs));
