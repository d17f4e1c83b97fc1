import { describe, expect, it } from 'vitest';
import { Lane } from '../src/engine/lane.js';
import { RngStream } from '../src/engine/rng.js';
import { Simulator, type EventHandler } from '../src/engine/simulator.js';

/**
 * A mix of direct events and events at two fixed delays, with many ties (integer times):
 * every firing, in order, as `time:tag`. With `lanes`, the fixed-delay events go through
 * Lanes; otherwise they are scheduled directly. The two logs must be the same.
 */
function mixedRun(lanes: boolean): { log: string[]; maxPending: number; queued: number[] } {
  const sim = new Simulator();
  const rng = new RngStream(7, 'lane-mix');
  const short = new Lane(sim);
  const long = new Lane(sim);
  const log: string[] = [];
  let maxPending = 0;
  const queued: number[] = [];
  const sink: EventHandler = { onEvent: (tag) => void log.push(`${sim.now}:${tag}`) };
  let tag = 0;
  const source: EventHandler = {
    onEvent: () => {
      log.push(`${sim.now}:src`);
      for (let k = 0; k < 3; k++) {
        const u = rng.uniform();
        const t = tag++;
        if (u < 0.4) {
          if (lanes) short.after(3, sink, t);
          else sim.after(3, sink, t);
        } else if (u < 0.8) {
          if (lanes) long.after(20, sink, t);
          else sim.after(20, sink, t);
        } else sim.after(Math.floor(rng.uniform() * 25), sink, t);
      }
      maxPending = Math.max(maxPending, sim.pending);
      queued.push(short.length + long.length);
      if (sim.now < 2000) sim.after(Math.floor(rng.uniform() * 3), source);
    },
  };
  sim.schedule(0, source);
  sim.run(Infinity);
  return { log, maxPending, queued };
}

describe('Lane', () => {
  it('fires its events exactly where direct scheduling would, ties included, and counts them as pending', () => {
    const direct = mixedRun(false);
    const laned = mixedRun(true);
    expect(direct.log.length).toBeGreaterThan(3000);
    // Many events share a time, so a lane that lost their sequence numbers would reorder them.
    const times = direct.log.map((e) => e.split(':')[0]);
    expect(new Set(times).size).toBeLessThan(times.length / 2);
    expect(laned.log).toEqual(direct.log);
    expect(laned.maxPending).toBe(direct.maxPending);
    // The lanes did hold many events at once (more than their first capacity of 8, so they grew).
    expect(Math.max(...laned.queued)).toBeGreaterThan(16);
  });

  it('keeps one entry in the queue however many events it holds', () => {
    const sim = new Simulator();
    const lane = new Lane(sim);
    const fired: number[] = [];
    const h: EventHandler = { onEvent: (arg) => void fired.push(arg) };
    for (let i = 0; i < 100; i++) lane.after(10, h, i);
    expect(lane.length).toBe(100);
    expect(sim.pending).toBe(100);
    // Read through the run: one event fires at a time, the others wait in the lane.
    sim.run(10);
    expect(fired).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(lane.length).toBe(0);
    expect(sim.pending).toBe(0);
    expect(sim.fired).toBe(100);
  });

  it('wraps around its ring without losing or reordering events', () => {
    const sim = new Simulator();
    const lane = new Lane(sim);
    const fired: string[] = [];
    let n = 0;
    // Six in flight at a time, one added per fire: the head runs around the ring of eight many times.
    const h: EventHandler = {
      onEvent: (arg) => {
        fired.push(`${sim.now}:${arg}`);
        if (n < 50) lane.after(6, h, n++);
      },
    };
    for (let i = 0; i < 6; i++) {
      sim.schedule(i, { onEvent: () => lane.after(6, h, n++) });
    }
    sim.run(Infinity);
    expect(fired).toHaveLength(50);
    expect(fired).toEqual(Array.from({ length: 50 }, (_, i) => `${i + 6}:${i}`));
  });

  it('takes a delay of zero: the event fires now, after the events already due now', () => {
    const sim = new Simulator();
    const lane = new Lane(sim);
    const log: string[] = [];
    const h: EventHandler = { onEvent: (arg) => void log.push(`${sim.now}:${arg}`) };
    sim.schedule(5, {
      onEvent: () => {
        sim.after(0, h, 1);
        lane.after(0, h, 2);
        lane.after(0, h, 3);
      },
    });
    sim.run(10);
    expect(log).toEqual(['5:1', '5:2', '5:3']);
  });

  it('refuses an event due before its last one, a negative delay or NaN', () => {
    const sim = new Simulator();
    const lane = new Lane(sim);
    const h: EventHandler = { onEvent: () => {} };
    lane.after(10, h);
    expect(() => lane.after(5, h)).toThrow(/out of order/);
    expect(() => lane.after(Number.NaN, h)).toThrow(/out of order or at NaN/);
    sim.schedule(20, { onEvent: () => expect(() => lane.after(-1, h)).toThrow(/out of order/) });
    sim.run(30);
    expect(lane.length).toBe(0);
  });
});
