import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { deriveSeed, RngStream } from '../src/engine/rng.js';
import { fastPriorityQueueScheduler } from '../src/engine/scheduler.js';
import {
  setStopFlag,
  SimulationStopped,
  Simulator,
  STOP_CHECK_EVENTS,
  type EventHandler,
} from '../src/engine/simulator.js';

class Recorder implements EventHandler {
  log: [number, number][] = [];
  constructor(private readonly sim: Simulator) {}
  onEvent(arg: number): void {
    this.log.push([this.sim.now, arg]);
  }
}

describe('Simulator', () => {
  it('stops within STOP_CHECK_EVENTS events of its stop flag being set, and only then, counting each look', () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const beat = new Int32Array(new SharedArrayBuffer(4));
    const endless = () => {
      const sim = new Simulator();
      const h: EventHandler = { onEvent: () => sim.after(1, h) };
      sim.schedule(0, h);
      return sim;
    };
    setStopFlag(flag, beat);
    try {
      const free = endless();
      free.run(3 * STOP_CHECK_EVENTS);
      expect(free.fired).toBe(3 * STOP_CHECK_EVENTS + 1);
      // The worker pool's sign of life from a long run (src/experiment/pool.ts): one per look.
      expect(beat[0]).toBe(3);
      Atomics.store(flag, 0, 1);
      const stopped = endless();
      let thrown: unknown;
      try {
        stopped.run(Infinity);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(SimulationStopped);
      // A worker passes the error to the main thread by name and message (src/experiment/pool.ts).
      expect((thrown as Error).name).toBe('SimulationStopped');
      expect((thrown as Error).message).toBe('the run was stopped (interrupted)');
      expect(stopped.fired).toBe(STOP_CHECK_EVENTS);
      expect(beat[0]).toBe(4);
    } finally {
      setStopFlag(undefined);
    }
  });

  it('fires events in time order', () => {
    const sim = new Simulator();
    const r = new Recorder(sim);
    for (const t of [50, 10, 40, 20, 30]) sim.schedule(t, r, t);
    sim.run(100);
    expect(r.log.map(([t]) => t)).toEqual([10, 20, 30, 40, 50]);
    expect(sim.now).toBe(100);
  });

  it('breaks ties by scheduling order, also for events scheduled while running', () => {
    const sim = new Simulator();
    const r = new Recorder(sim);
    const spawner: EventHandler = {
      onEvent: () => {
        sim.schedule(5, r, 3);
        sim.schedule(5, r, 4);
      },
    };
    sim.schedule(5, r, 0);
    sim.schedule(5, r, 1);
    sim.schedule(1, spawner);
    sim.schedule(5, r, 2);
    sim.run(10);
    expect(r.log).toEqual([
      [5, 0],
      [5, 1],
      [5, 2],
      [5, 3],
      [5, 4],
    ]);
  });

  it('keeps order across many pending events and free-list reuse', () => {
    const sim = new Simulator();
    const rng = new RngStream(7, 'test');
    let last = -1;
    let lastSeqAtTime = -1;
    let count = 0;
    let violations = 0;
    // Each event schedules one successor at a random (often equal, rounded) later time: the hold model.
    const h: EventHandler = {
      onEvent: (arg) => {
        if (sim.now < last || (sim.now === last && arg <= lastSeqAtTime)) violations++;
        lastSeqAtTime = arg;
        last = sim.now;
        count++;
        sim.after(Math.round(rng.exponential(3)), h, seq++);
      },
    };
    let seq = 0;
    for (let i = 0; i < 3000; i++) sim.schedule(Math.round(rng.exponential(3)), h, seq++);
    sim.run(300);
    expect(count).toBeGreaterThan(100_000);
    expect(violations).toBe(0);
    expect(sim.pending).toBe(3000);
    // More records than the arrays first hold (1024), all pending at once: the arrays must grow
    // and keep every time, so each event fires once, at its own time, in order.
    const grown = new Simulator();
    const fired: number[] = [];
    const at: EventHandler = { onEvent: (arg) => void fired.push(grown.now * 10_000 + arg) };
    for (let i = 3000; i > 0; i--) grown.schedule(i, at, i);
    expect(grown.pending).toBe(3000);
    grown.run(5000);
    expect(fired).toEqual(Array.from({ length: 3000 }, (_, i) => (i + 1) * 10_001));
    expect(grown.now).toBe(5000);
  });

  it('keeps order when a firing event schedules none, one or several successors (the replace-top path)', () => {
    const sim = new Simulator();
    const log: string[] = [];
    let pendingSeen = -1;
    const leaf: EventHandler = { onEvent: (a) => void log.push(`leaf${a}@${sim.now}`) };
    const fanout: EventHandler = {
      onEvent: (a) => {
        log.push(`fan${a}@${sim.now}`);
        pendingSeen = sim.pending;
        // Several successors, one earlier than an event already pending, one tied with it.
        sim.schedule(sim.now + 2, leaf, 10 * a + 1);
        sim.schedule(sim.now + 1, leaf, 10 * a + 2);
        sim.schedule(sim.now + 5, leaf, 10 * a + 3);
      },
    };
    sim.schedule(1, fanout, 1);
    sim.schedule(3, leaf, 0);
    sim.schedule(6, leaf, 99);
    sim.run(100);
    // At t = 1 the pending count excludes the firing event itself.
    expect(pendingSeen).toBe(2);
    expect(log).toEqual(['fan1@1', 'leaf12@2', 'leaf0@3', 'leaf11@3', 'leaf99@6', 'leaf13@6']);
    expect(sim.pending).toBe(0);
  });

  it('fires an event due exactly at the horizon, counts every event fired, and reuses finished records', () => {
    const sim = new Simulator();
    const at: number[] = [];
    const h: EventHandler = { onEvent: () => at.push(sim.now) };
    sim.schedule(5, h);
    sim.schedule(5.000001, h);
    sim.run(5);
    expect(at).toEqual([5]);
    expect(sim.fired).toBe(1);
    expect(sim.now).toBe(5);
    // A cycle of three: one event schedules two (at t + 1), the first of those nothing, the
    // second one (at t + 2). Three events every 2 ns, never more than two pending, so the
    // record arrays never grow past their first size however many events pass.
    const cycle: EventHandler = {
      onEvent: (arg) => {
        if (arg === 0) {
          sim.after(1, cycle, 1);
          sim.after(1, cycle, 2);
        } else if (arg === 2) sim.after(1, cycle, 0);
      },
    };
    sim.schedule(6, cycle, 0);
    sim.run(6 + 2 * 50_000);
    // The first event, the one just after the horizon, then the cycle's.
    expect(sim.fired).toBe(1 + 1 + 3 * 50_000 + 1);
    expect(sim.pending).toBe(2);
    expect((sim as unknown as { time: Float64Array }).time.length).toBe(1024);
    // A horizon already passed fires nothing and leaves the clock where it is.
    const firedBefore = sim.fired;
    sim.run(7);
    expect(sim.now).toBe(6 + 2 * 50_000);
    expect(sim.fired).toBe(firedBefore);
  });

  it('refuses events in the past, and a horizon of NaN (which no event is later than)', () => {
    const sim = new Simulator();
    const r = new Recorder(sim);
    sim.schedule(10, r);
    sim.run(20);
    expect(() => sim.schedule(5, r)).toThrow(/past/);
    const endless: EventHandler = { onEvent: () => sim.after(1, endless) };
    sim.schedule(30, endless);
    expect(() => sim.run(NaN)).toThrow(/NaN/);
    expect(sim.fired).toBe(1);
  });

  it('stops when asked, leaving later events pending', () => {
    const sim = new Simulator();
    const stopper: EventHandler = { onEvent: () => sim.stop() };
    const r = new Recorder(sim);
    sim.schedule(1, stopper);
    sim.schedule(2, r);
    sim.run(10);
    expect(sim.now).toBe(1);
    expect(sim.pending).toBe(1);
  });
});

describe('the default scheduler', () => {
  it('pops and peeks ids in the order its comparator gives, and -1 once empty', () => {
    const q = fastPriorityQueueScheduler((a, b) => a % 10 < b % 10);
    expect(q.pop()).toBe(-1);
    expect(q.peek()).toBe(-1);
    for (const id of [13, 21, 7, 30]) q.push(id);
    expect(q.size).toBe(4);
    expect(q.peek()).toBe(30);
    q.replaceTop(45);
    expect([q.pop(), q.pop(), q.pop(), q.pop()]).toEqual([21, 13, 45, 7]);
    expect(q.size).toBe(0);
    expect(q.pop()).toBe(-1);
    expect(q.peek()).toBe(-1);
  });
});

describe('RngStream', () => {
  it("draws pure-rand's xoroshiro128+ uniformFloat64 sequence", () => {
    // The library's generator started from the state RngStream seeded itself with.
    for (const [seed, name] of [
      [5, 'vm0/arrivals'],
      [1, 'server/0/service'],
      [2147483647, ''],
    ] as const) {
      const ours = new RngStream(seed, name);
      const state = Array.from((ours as unknown as { s: Int32Array }).s);
      const lib = xoroshiro128plusFromState(state);
      for (let i = 0; i < 10_000; i++) expect(ours.uniform()).toBe(uniformFloat64(lib));
    }
  });

  const draw = (s: RngStream, n: number) => Array.from({ length: n }, () => s.uniform());

  it('gives the same numbers for the same seed and name', () => {
    expect(draw(new RngStream(1, 'vm0/arrivals'), 5)).toEqual(draw(new RngStream(1, 'vm0/arrivals'), 5));
  });

  it('gives different numbers for another seed or another name', () => {
    const a = draw(new RngStream(1, 'vm0/arrivals'), 5);
    expect(draw(new RngStream(2, 'vm0/arrivals'), 5)).not.toEqual(a);
    expect(draw(new RngStream(1, 'vm1/arrivals'), 5)).not.toEqual(a);
  });

  it('does not depend on other streams being created or drawn from', () => {
    const alone = draw(new RngStream(3, 'vm0/frames'), 5);
    const other = new RngStream(3, 'vm1/frames');
    draw(other, 100);
    expect(draw(new RngStream(3, 'vm0/frames'), 5)).toEqual(alone);
  });

  it('seeds every stream as it always has: results of earlier versions stay reproducible', () => {
    // Pinned values: the state that (seed, name) gives and the first draws from it. A change to
    // the seeding would silently change every committed result, so it must show up here.
    const s = new RngStream(1, 'vm0/arrivals');
    expect(Array.from((s as unknown as { s: Int32Array }).s)).toEqual([2079173838, -1325877767, 452594987, -772860900]);
    expect(s.uniform()).toBe(0.7263568276360092);
    expect(s.uniform()).toBe(0.33477880032373597);
    // Labels are joined with '/', and each label counts: (rep, 3) is not rep3.
    expect(deriveSeed(1, 'rep', 3)).toBe(2129226649);
    expect(deriveSeed(1, 'rep3')).toBe(1153291447);
    expect(deriveSeed(1, 'rep/3')).toBe(2129226649);
    expect(deriveSeed(42)).toBe(1826017899);
  });

  it('draws uniforms in [0, 1) with mean near 1/2 and exponentials with the asked mean', () => {
    const s = new RngStream(9, 'stats');
    const n = 200_000;
    let sumU = 0;
    let sumE = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = s.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      sumU += u;
      sumE += s.exponential(5);
    }
    expect(outside).toBe(0);
    // 5 standard errors: uniform sd 0.2887, exponential sd 5.
    expect(Math.abs(sumU / n - 0.5)).toBeLessThan((5 * 0.2887) / Math.sqrt(n));
    expect(Math.abs(sumE / n - 5)).toBeLessThan((5 * 5) / Math.sqrt(n));
  });
});
