import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { SimulationStopped } from '../src/engine/simulator.js';
import { InlineRunner, taskRunner, WorkerPool } from '../src/experiment/pool.js';
import { InvariantError } from '../src/experiment/task.js';
import { experiment } from './support/scenario.js';

// The pool's own behaviour: errors come back as what they were, a stop stops everything.
// (That results do not depend on the number of workers: test/determinism.test.ts.)
describe('task runners', () => {
  const exp = experiment({ duration: '3 ms', warmup: '1 ms', vms: { count: 1 }, paths: ['sriov'] });
  const task = { label: 'pool', config: exp.config, path: exp.paths[0], warmupAuto: false };
  // A run that throws at once: a hop of no known kind (the scenario layer never lets one through).
  const broken = {
    ...task,
    path: { ...exp.paths[0], spec: { ...exp.paths[0].spec, rx: [{ kind: 'bogus' }] } },
  } as never;
  // A run of many seconds of wall time, to be stopped.
  const long = { ...task, config: { ...exp.config, durationNs: 60e9 } };
  // A run of a few seconds of wall time, to be left alone.
  const lasting = { ...task, config: { ...exp.config, durationNs: 8e9 } };

  it('one job runs in this thread, more on worker threads', async () => {
    expect(taskRunner(1)).toBeInstanceOf(InlineRunner);
    const pool = taskRunner(2);
    expect(pool).toBeInstanceOf(WorkerPool);
    await pool.close();
  });

  it('starts a worker only when a task finds none idle (or ahead, as asked), never more than its jobs', async () => {
    const pool = new WorkerPool(3);
    const ahead = new WorkerPool(3, 1);
    const capped = new WorkerPool(1, 4);
    try {
      expect(pool.alive).toBe(0);
      expect(ahead.alive).toBe(1);
      expect(capped.alive).toBe(1);
      // One task at a time: the one worker is idle again for each.
      for (let i = 0; i < 3; i++) await pool.run(task);
      expect(pool.alive).toBe(1);
      await ahead.run(task);
      expect(ahead.alive).toBe(1);
      // Four at once: a worker each, up to the three allowed; the fourth waits for one.
      const outs = await Promise.all([0, 1, 2, 3].map(() => pool.run(task)));
      expect(pool.alive).toBe(3);
      expect(new Set(outs.map((o) => o.result.deliveredPackets)).size).toBe(1);
    } finally {
      await Promise.all([pool.close(), ahead.close(), capped.close()]);
    }
  });

  it('fails its tasks, and does not start worker after worker, when a worker cannot load or exits at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iovsim-pool-'));
    const throws = join(dir, 'throws.mjs');
    writeFileSync(throws, "throw new Error('cannot load the model');\n");
    const exits = join(dir, 'exits.mjs');
    writeFileSync(exits, 'process.exit(0);\n');
    for (const [file, message] of [
      [throws, /cannot load the model/],
      [exits, /a worker thread exited (during a run|before it was given a task)/],
    ] as const) {
      const pool = new WorkerPool(2, 1, { file });
      try {
        const outcomes = await Promise.allSettled([pool.run(task), pool.run(task), pool.run(task)]);
        for (const o of outcomes) {
          expect(o.status).toBe('rejected');
          expect(((o as PromiseRejectedResult).reason as Error).message).toMatch(message);
        }
        await expect(pool.run(task)).rejects.toThrow(message);
        expect(pool.alive).toBeLessThanOrEqual(2);
      } finally {
        await pool.close();
      }
    }
  });

  it('once a worker died before any task, fails later runs at once and starts no other', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iovsim-pool-'));
    const starts = join(dir, 'starts');
    const file = join(dir, 'counted.mjs');
    writeFileSync(
      file,
      `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(starts)}, 'x');\nthrow new Error('cannot load the model');\n`,
    );
    const pool = new WorkerPool(2, 1, { file });
    try {
      // The worker started ahead dies idle and leaves the pool.
      await vi.waitUntil(() => pool.alive === 0, { timeout: 10_000, interval: 20 });
      await expect(pool.run(task)).rejects.toThrow(/cannot load the model/);
      await expect(pool.run(task)).rejects.toThrow(/cannot load the model/);
      expect(pool.alive).toBe(0);
      expect(readFileSync(starts, 'utf8')).toBe('x');
    } finally {
      await pool.close();
    }
  });

  it("a worker's error comes back as an Error with its message, in order with the other tasks", async () => {
    const pool = new WorkerPool(2);
    try {
      const [ok, bad] = await Promise.allSettled([pool.run(task), pool.run(broken), pool.run(task)]);
      expect(ok.status).toBe('fulfilled');
      expect(bad.status).toBe('rejected');
      const e = (bad as PromiseRejectedResult).reason as Error;
      // A TypeError in the worker: structured clone keeps only its name and message, and any
      // error that is neither a stop nor a broken law comes back as a plain Error.
      expect(e.constructor).toBe(Error);
      expect(e.message).toMatch(/reading 'posted'/);
      // The worker that failed takes the next task.
      const again = await pool.run(task);
      expect(again.result.deliveredPackets).toBe(
        (ok as PromiseFulfilledResult<{ result: { deliveredPackets: number } }>).value.result.deliveredPackets,
      );
    } finally {
      await pool.close();
    }
    await expect(new InlineRunner().run(broken)).rejects.toThrow(/reading 'posted'/);
  });

  it('abort stops the runs in flight and the queued tasks, and refuses new ones', async () => {
    const pool = new WorkerPool(1);
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    try {
      const running = pool.run(long);
      const queued = pool.run(task);
      // Let the worker start its run, then stop it.
      await new Promise((r) => setTimeout(r, 300));
      pool.abort();
      pool.abort();
      await expect(queued).rejects.toBeInstanceOf(SimulationStopped);
      await expect(running).rejects.toBeInstanceOf(SimulationStopped);
      // The run noticed the shared stop flag itself: the pool did not have to terminate its worker.
      expect(terminate).not.toHaveBeenCalled();
      await expect(pool.run(task)).rejects.toBeInstanceOf(SimulationStopped);
    } finally {
      terminate.mockRestore();
      await pool.close();
    }
  });

  // Stand-in workers, for what a real one does too rarely to test: each is an ES module that
  // answers the pool's messages in its own way.
  const standIn = (name: string, body: string): string => {
    const file = join(mkdtempSync(join(tmpdir(), 'iovsim-pool-')), `${name}.mjs`);
    writeFileSync(file, `import { parentPort } from 'node:worker_threads';\n${body}\n`);
    return file;
  };

  it('a broken law in a worker comes back as an InvariantError, any other error as an Error', async () => {
    const file = standIn(
      'errors',
      "let n = 0;\nparentPort.on('message', () => parentPort.postMessage({ error: { name: n++ === 0 ? 'InvariantError' : 'RangeError', message: 'law ' + n } }));",
    );
    const pool = new WorkerPool(1, 0, { file });
    try {
      const law = await pool.run(task).catch((e: unknown) => e);
      expect(law).toBeInstanceOf(InvariantError);
      expect((law as Error).message).toBe('law 1');
      const other = await pool.run(task).catch((e: unknown) => e);
      expect((other as Error).constructor).toBe(Error);
      expect((other as Error).message).toBe('law 2');
    } finally {
      await pool.close();
    }
  });

  it('a worker that dies idle after its tasks fails the runs after it, without throwing in the pool', async () => {
    const file = standIn(
      'dies-idle',
      "parentPort.on('message', () => {\n  parentPort.postMessage({ output: 'done' });\n  setTimeout(() => { throw new Error('died idle'); }, 50);\n});",
    );
    const pool = new WorkerPool(1, 0, { file });
    try {
      await expect(pool.run(task)).resolves.toBe('done');
      await vi.waitUntil(() => pool.alive === 0, { timeout: 10_000, interval: 20 });
      await expect(pool.run(task)).rejects.toThrow('died idle');
    } finally {
      await pool.close();
    }
  });

  it('abort terminates a worker that does not notice the stop flag, after a grace period', async () => {
    const file = standIn('stuck', "parentPort.on('message', () => { for (;;) {} });");
    const pool = new WorkerPool(1, 0, { file });
    try {
      const running = pool.run(task);
      await new Promise((r) => setTimeout(r, 200));
      const t0 = performance.now();
      pool.abort();
      const never = new Promise((_, reject) =>
        setTimeout(() => reject(new Error('the stuck worker was never ended')), 5000),
      );
      await expect(Promise.race([running, never])).rejects.toBeInstanceOf(SimulationStopped);
      // Terminated by the grace timer (300 ms), not at once and not never.
      expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
      expect(pool.alive).toBe(0);
    } finally {
      await pool.close();
    }
  });

  // The pool's watchdog: a stand-in counts its signs of life as the real worker does.
  const counting = (name: string, body: string): string =>
    standIn(
      name,
      `import { workerData } from 'node:worker_threads';\nconst beat = new Int32Array(workerData.beat);\nAtomics.add(beat, 0, 1);\n${body}`,
    );

  it('starts the run of a worker that falls silent again on a new thread, and says so', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'iovsim-pool-')), 'hung-once');
    // The first thread takes its task and never answers (a lost reply); the next one answers.
    const file = counting(
      'hangs-once',
      `import { existsSync, writeFileSync } from 'node:fs';\nparentPort.on('message', () => {\n  Atomics.add(beat, 0, 1);\n  if (existsSync(${JSON.stringify(marker)})) parentPort.postMessage({ output: 'done' });\n  else writeFileSync(${JSON.stringify(marker)}, 'x');\n});`,
    );
    const told: string[] = [];
    // A listener that throws: the task is started again all the same.
    const onStall = (m: string) => {
      told.push(m);
      throw new Error('a broken listener');
    };
    const pool = new WorkerPool(1, 0, { file, stallMs: 1000, onStall });
    try {
      const t0 = performance.now();
      await expect(pool.run(task)).resolves.toBe('done');
      expect(performance.now() - t0).toBeGreaterThanOrEqual(1000);
      expect(told).toEqual([
        'a worker thread showed no sign of life for 1 s (2 signs of life, then none); its run was started again on a new thread',
      ]);
      // The silent thread was terminated: one worker is left, and it takes the next task.
      expect(pool.alive).toBe(1);
      await expect(pool.run(task)).resolves.toBe('done');
      expect(told).toHaveLength(1);
    } finally {
      await pool.close();
    }
  });

  it('fails a run that hangs a second thread, rather than wait forever', async () => {
    const silent = counting('silent', "parentPort.on('message', () => Atomics.add(beat, 0, 1));");
    const loading = standIn('loads-forever', 'for (;;) {}');
    for (const [file, state] of [
      [silent, '2 signs of life, then none'],
      [loading, 'it never finished loading'],
    ] as const) {
      const told: string[] = [];
      const pool = new WorkerPool(1, 0, { file, stallMs: 1000, onStall: (m) => told.push(m) });
      try {
        const e = (await pool.run(task).catch((x: unknown) => x)) as Error;
        expect(e.message).toBe(
          `a worker thread showed no sign of life for 1 s (${state}), the second thread to hang on this run`,
        );
        expect(told).toHaveLength(1);
        expect(pool.alive).toBe(0);
      } finally {
        await pool.close();
      }
    }
  });

  it('does not take a worker for hung when this thread was the one held up', async () => {
    // The worker counts its task and answers 700 ms later, while this thread is busy for longer
    // than the stall limit: its answer then waits behind the watchdog's timer, and is what the
    // watchdog must find before it judges.
    const file = counting(
      'answers-late',
      "parentPort.on('message', () => {\n  Atomics.add(beat, 0, 1);\n  setTimeout(() => parentPort.postMessage({ output: 'done' }), 700);\n});",
    );
    const told: string[] = [];
    const pool = new WorkerPool(1, 1, { file, stallMs: 1000, onStall: (m) => told.push(m) });
    try {
      const answer = pool.run(task);
      // Let the watchdog (every 250 ms) see the count, then hold this thread past the limit,
      // from a setImmediate callback: the watchdog's timer then comes due before the reply is
      // read (held in a timer callback instead, Node reads the reply first).
      await new Promise((r) => setTimeout(r, 500));
      await new Promise<void>((r) =>
        setImmediate(() => {
          const until = performance.now() + 1200;
          while (performance.now() < until);
          r();
        }),
      );
      await expect(answer).resolves.toBe('done');
      expect(told).toEqual([]);
    } finally {
      await pool.close();
    }
  });

  it('leaves a long run alone: a real run counts a sign of life every STOP_CHECK_EVENTS events', async () => {
    const told: string[] = [];
    const stallMs = 600;
    const pool = new WorkerPool(1, 0, { stallMs, onStall: (m) => told.push(m) });
    try {
      const t0 = performance.now();
      const out = await pool.run(lasting);
      // Longer than the stall limit, with no restart.
      expect(performance.now() - t0).toBeGreaterThan(2 * stallMs);
      expect(told).toEqual([]);
      expect(out.result.deliveredPackets).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });

  it('keeps one watchdog timer while its workers stay busy', async () => {
    const timers = vi.spyOn(globalThis, 'setInterval');
    const pool = new WorkerPool(1, 1);
    try {
      // Three tasks on one worker: busy from the first dispatch to the last reply.
      await Promise.all([pool.run(task), pool.run(task), pool.run(task)]);
      expect(timers).toHaveBeenCalledTimes(1);
    } finally {
      timers.mockRestore();
      await pool.close();
    }
  });

  it('close ends every worker, fails the tasks still waiting and refuses later runs', async () => {
    const pool = new WorkerPool(2, 2);
    await pool.run(task);
    expect(pool.alive).toBe(2);
    // Two runs in flight, one waiting: all three fail as stopped.
    const settled = Promise.allSettled([pool.run(long), pool.run(long), pool.run(task)]);
    await pool.close();
    for (const o of await settled) {
      expect(o.status).toBe('rejected');
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(SimulationStopped);
    }
    await vi.waitUntil(() => pool.alive === 0, { timeout: 10_000, interval: 20 });
    await expect(pool.run(task)).rejects.toBeInstanceOf(SimulationStopped);
    expect(pool.alive).toBe(0);
  });
});
