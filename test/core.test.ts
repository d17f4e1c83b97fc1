import { describe, expect, it } from 'vitest';
import { Simulator } from '../src/engine/simulator.js';
import { CAUSE_COUNT, causeIndex, type Cause } from '../src/model/causes.js';
import { Core, SOFTIRQ_STREAK, type CoreClient } from '../src/model/core.js';
import { cycleVector } from '../src/model/work.js';

// A core driven by hand-made clients: the order it serves turns in, when, and what it counts.
// At 1 GHz a cycle is a nanosecond, so every time below is a sum of the cycles before it.

/** A client with a script: the cycles of each turn, and what each endTurn answers. */
class Scripted implements CoreClient {
  private i = 0;
  constructor(
    private readonly name: string,
    readonly urgent: boolean,
    private readonly turns: number[],
    private readonly answers: (0 | 1 | 2)[],
    private readonly log: string[],
    private readonly sim: Simulator,
    private readonly cause: Cause = 'guest',
  ) {}
  beginTurn(_core: Core, turn: Float64Array): void {
    const c = this.turns[Math.min(this.i, this.turns.length - 1)];
    turn[causeIndex(this.cause)] += c;
    turn[CAUSE_COUNT] += c;
    this.log.push(`${this.name}@${this.sim.now}`);
  }
  endTurn(): 0 | 1 | 2 {
    const a = this.answers[Math.min(this.i, this.answers.length - 1)];
    this.i++;
    return a;
  }
}

function setup(clockGhz = 1) {
  const sim = new Simulator();
  const core = new Core(0, clockGhz, sim);
  const log: string[] = [];
  const client = (name: string, urgent: boolean, turns: number[], answers: (0 | 1 | 2)[], cause?: Cause) =>
    new Scripted(name, urgent, turns, answers, log, sim, cause);
  return { sim, core, log, client };
}

describe('Core', () => {
  it('serves one turn at a time, never preempting; cycles charged from outside go ahead of the next turn, in one burst with it', () => {
    const { sim, core, log, client } = setup();
    core.enqueue(client('B', false, [400], [0]));
    core.enqueue(client('A', true, [100], [1, 1, 0]));
    core.charge(50, causeIndex('copy'));
    core.charge(0, causeIndex('copy'));
    core.charge(-5, causeIndex('copy'));
    sim.run(10_000);
    // B was served at once; A, urgent, waited for B's turn to end; the 50 pending cycles ran
    // with A's first turn (400-550), then A's next two turns at once.
    expect(log).toEqual(['B@0', 'A@400', 'A@550', 'A@650']);
    expect(core.cycles[causeIndex('guest')]).toBe(700);
    expect(core.cycles[causeIndex('copy')]).toBe(50);
    expect(core.busyNs).toBe(750);
  });

  it('kernel context first, but process context gets a turn after SOFTIRQ_STREAK kernel turns in a row', () => {
    const { sim, core, log, client } = setup();
    core.enqueue(client('U', true, [10], [1]));
    core.enqueue(client('N', false, [10], [0]));
    sim.run(10 * (SOFTIRQ_STREAK + 5));
    // U's first turn began before N waited; then SOFTIRQ_STREAK more, then N.
    const n = log.indexOf(`N@${10 * (SOFTIRQ_STREAK + 1)}`);
    expect(n).toBe(SOFTIRQ_STREAK + 1);
    expect(log.slice(0, n).every((e) => e.startsWith('U@'))).toBe(true);
    expect(log[n + 1]).toBe(`U@${10 * (SOFTIRQ_STREAK + 2)}`);
  });

  it('a client whose budget is used goes to the back of its queue; a process-context client yields to waiting kernel work', () => {
    const { sim, core, log, client } = setup();
    core.enqueue(client('X', true, [10], [2, 0]));
    core.enqueue(client('Y', true, [10], [0]));
    sim.run(1000);
    expect(log).toEqual(['X@0', 'Y@10', 'X@20']);
    log.length = 0;
    core.enqueue(client('M', false, [10], [1, 0]));
    core.enqueue(client('V', true, [10], [0]));
    core.enqueue(client('W', false, [10], [0]));
    sim.run(2000);
    // M wants another turn at once, but V (kernel) waits: V goes first, then W, then M.
    expect(log).toEqual(['M@1000', 'V@1010', 'W@1020', 'M@1030']);
  });

  it('keeps first-come first-served order when its queue of waiting clients grows after wrapping around', () => {
    const { sim, core, log, client } = setup();
    core.enqueue(client('K', true, [100], [0]));
    core.enqueue(client('P1', false, [10], [0]));
    core.enqueue(client('P2', false, [10], [0]));
    sim.schedule(105, {
      onEvent: () => {
        core.enqueue(client('P3', false, [10], [0]));
        core.enqueue(client('P4', false, [10], [0]));
      },
    });
    sim.run(1000);
    expect(log).toEqual(['K@0', 'P1@100', 'P2@110', 'P3@120', 'P4@130']);
  });

  it('a turn of no cycles in service when the window opens or closes adds nothing', () => {
    const { sim, core, client } = setup();
    sim.run(100);
    core.enqueue(client('Z', true, [0], [0]));
    core.openWindow();
    core.closeWindow();
    expect([...core.cycles].every((c) => c === 0)).toBe(true);
    expect(core.busyNs).toBe(0);
    sim.run(200);
  });

  it('counts a burst straddling the window edges pro rata, and busy-poll time as driver cycles', () => {
    const { sim, core } = setup(2);
    sim.run(100);
    core.charge(2000, causeIndex('guest')); // 1000 ns at 2 GHz: 100-1100
    sim.run(500);
    core.openWindow();
    expect(core.cycles[causeIndex('guest')]).toBe(1200);
    sim.run(800);
    core.closeWindow();
    expect(core.cycles[causeIndex('guest')]).toBe(600);
    expect(core.busyNs).toBe(300);

    const polled = setup(2);
    polled.core.busyPoll = true;
    polled.core.charge(2000, causeIndex('guest'));
    polled.sim.run(400);
    polled.core.openWindow();
    polled.sim.run(2000);
    polled.core.closeWindow();
    // Busy 400-1000 ns; the other 1000 ns of the window polled at 2 cycles/ns.
    expect(polled.core.busyNs).toBe(600);
    expect(polled.core.cycles[causeIndex('driver')]).toBe(2000);
    expect(polled.core.cycles[causeIndex('guest')]).toBe(1200);
  });

  it('a charged vector adds its cycles per cause, and its exits when its burst starts; an empty one adds nothing', () => {
    const { sim, core, log, client } = setup();
    const v = cycleVector(
      [
        { cause: 'exits', cycles: 1500, count: 2 },
        { cause: 'interrupts', cycles: 500 },
      ],
      { vm_exit: 0 } as never,
    );
    core.chargeVector(v);
    core.chargeVector(cycleVector([], {} as never));
    expect(core.exits).toBe(2);
    core.enqueue(client('A', true, [100], [0]));
    sim.run(10_000);
    expect(log).toEqual(['A@3500']);
    expect([core.cycles[causeIndex('exits')], core.cycles[causeIndex('interrupts')], core.busyNs]).toEqual([
      3000, 500, 3600,
    ]);
    core.chargeVector(v);
    core.chargeVector(v);
    sim.run(20_000);
    // Two vectors charged while idle: the first starts a burst at once, the second waits and
    // runs as the next burst.
    expect(core.exits).toBe(6);
    expect(core.busyNs).toBe(3600 + 7000);
  });
});
