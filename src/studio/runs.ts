import type { Task } from '../experiment/task.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

/**
 * Runs one experiment's paths on Web Workers, a path per worker, a few workers at a time.
 * `cancel` terminates every worker at once: a run in flight is dropped, not waited for, so a
 * knob that moves gets its answer as soon as that run alone can give it. Workers are made
 * from the bundled worker source through a blob URL, which works both from http:// and from
 * a file opened directly (where a worker script file may not be loaded).
 */
export interface RunHandlers {
  progress(done: number): void;
  done(rows: Record<string, string | number>[], warnings: string[]): void;
  failed(message: string): void;
}

/** Workers alive across all runs, shown on the page (data-workers) so a test can see a cancelled run is gone. */
let live = 0;
export const liveWorkers = (): number => live;

export class PathRuns {
  private readonly workers: Worker[] = [];
  private cancelled = false;

  constructor(
    private readonly workerUrl: string,
    private readonly parallel: number,
  ) {}

  start(tasks: Task[], h: RunHandlers): void {
    const rows: (Record<string, string | number> | undefined)[] = new Array(tasks.length);
    const warnings: string[][] = tasks.map(() => []);
    const progress = new Array<number>(tasks.length).fill(0);
    let next = 0;
    let finished = 0;
    const report = () => h.progress(progress.reduce((a, b) => a + b, 0) / tasks.length);
    const launch = () => {
      if (this.cancelled || next >= tasks.length) return;
      const i = next++;
      const w = new Worker(this.workerUrl);
      live++;
      this.workers.push(w);
      w.onmessage = (e: MessageEvent<WorkerReply>) => {
        if (this.cancelled) return;
        const m = e.data;
        if (m.type === 'progress') {
          progress[i] = m.done;
          report();
        } else if (m.type === 'error') {
          this.cancel();
          h.failed(`${tasks[i].path.name}: ${m.message}`);
        } else {
          rows[i] = m.row;
          warnings[i] = m.warnings;
          progress[i] = 1;
          report();
          this.stop(w);
          finished++;
          if (finished === tasks.length) h.done(rows as Record<string, string | number>[], warnings.flat());
          else launch();
        }
      };
      w.onerror = (e) => {
        if (this.cancelled) return;
        this.cancel();
        h.failed(`${tasks[i].path.name}: ${e.message}`);
      };
      w.postMessage({ task: tasks[i] } satisfies WorkerRequest);
    };
    for (let k = 0; k < Math.min(this.parallel, tasks.length); k++) launch();
    if (tasks.length === 0) h.done([], []);
  }

  /** Stops every worker of this run now. */
  cancel(): void {
    this.cancelled = true;
    for (const w of [...this.workers]) this.stop(w);
  }

  private stop(w: Worker): void {
    const i = this.workers.indexOf(w);
    if (i < 0) return;
    w.terminate();
    this.workers.splice(i, 1);
    live--;
  }
}
