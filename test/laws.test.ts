import { describe, expect, it } from 'vitest';
import {
  checkLaws,
  declaredCost,
  LITTLE_TOLERANCE,
  MIN_CORE_PACKETS,
  serviceCv2,
  UTILIZATION_TOLERANCE,
  type LawCheck,
} from '../src/experiment/laws.js';
import { COSTS, type CostValues } from '../src/model/costs.js';
import { MAX_FRAME } from '../src/model/config.js';
import { KIND_COUNT } from '../src/model/packets.js';
import type { CpuHop } from '../src/model/path-spec.js';
import { runPath } from '../src/model/network.js';
import type { RunResult } from '../src/model/result.js';
import type { Experiment } from '../src/scenario/resolve.js';
import { experiment } from './support/scenario.js';

const PATHS = ['native', 'emulated', 'paravirtual', 'vmdq', 'sriov'];

/** Every path of a scenario, run, with its laws checked against the declared costs. */
function runAll(data: Record<string, unknown>): { exp: Experiment; results: { r: RunResult; checks: LawCheck[] }[] } {
  const exp = experiment(data);
  return {
    exp,
    results: exp.paths.map((p) => {
      const r = runPath(exp.config, p);
      return { r, checks: checkLaws(r, exp.config, p) };
    }),
  };
}

const failed = (checks: LawCheck[]) => checks.filter((c) => !c.ok).map((c) => `${c.law}: ${c.detail}`);

describe('every run obeys the operational laws, on every path', () => {
  const scenarios: [string, Record<string, unknown>][] = [
    ['rx, Poisson at 60 % of line rate, 4 VMs', { traffic: { direction: 'rx', load: '6 Gbit/s' } }],
    [
      'tx, constant 3 Gbit/s, 3 VMs, IMIX',
      { vms: { count: 3 }, traffic: { direction: 'tx', load: '3 Gbit/s', arrivals: 'constant', frame_bytes: 'imix' } },
    ],
    [
      'rx, on/off bursts, 64-B frames, 8 VMs',
      {
        vms: { count: 8 },
        traffic: { load: '1 Gbit/s', frame_bytes: 64, arrivals: { on_off: { on: '50 us', off: '150 us' } } },
      },
    ],
    ['rx, overload at 150 % of line rate', { traffic: { load: '15 Gbit/s' } }],
    [
      'tx, saturating with TSO, 2 VMs',
      { vms: { count: 2 }, traffic: { direction: 'tx', load: 'saturate', tso_segment_bytes: 65536 } },
    ],
    [
      'rx, saturating with GRO and adaptive moderation',
      { host: { gro: true }, nic: { itr: 'adaptive' }, traffic: { load: 'saturate' } },
    ],
    [
      'rx, saturating with LRO and the early adaptive moderation',
      { nic: { lro: true, itr: 'adaptive-classes' }, traffic: { load: 'saturate' } },
    ],
    [
      'request/response, 8 outstanding per VM',
      { traffic: { kind: 'request_response', request_response: { concurrency: 8, app_cycles: 5000 } } },
    ],
    [
      'request/response, open loop',
      {
        traffic: { kind: 'request_response', request_response: { rate_per_vm: '20 kreq/s', response_bytes: '8 KiB' } },
      },
    ],
  ];

  for (const [label, extra] of scenarios) {
    it(label, () => {
      const { results } = runAll({
        duration: '40 ms',
        warmup: '4 ms',
        host: { hypervisor_cores: 2 },
        ...extra,
        paths: PATHS,
      });
      for (const { r, checks } of results) {
        expect(failed(checks), r.path).toEqual([]);
        // The utilization law, against declared costs, is checked on every core that worked.
        expect(
          checks.some((c) => c.law.startsWith('utilization law')),
          r.path,
        ).toBe(true);
        expect(
          checks.some((c) => c.law.startsWith('flow balance')),
          r.path,
        ).toBe(true);
      }
    });
  }

  it("checks Little's law, with N measured where the frames wait, when the window is long against the time in system", () => {
    const { results } = runAll({
      duration: '60 ms',
      warmup: '5 ms',
      host: { hypervisor_cores: 2 },
      traffic: { load: '2 Gbit/s' },
      paths: PATHS,
    });
    for (const { r, checks } of results) {
      const little = checks.find((c) => c.law === "Little's law");
      expect(little?.ok, `${r.path}: ${little?.detail}`).toBe(true);
    }
  });
});

/** One paravirtual open-loop run, shared by the tests that alter its counts by hand. */
const openLoopRun = runAll({
  duration: '30 ms',
  warmup: '3 ms',
  host: { hypervisor_cores: 2 },
  traffic: { load: '3 Gbit/s' },
  paths: ['paravirtual'],
});

describe('each law fails when what it checks is wrong: a case just inside and one just outside', () => {
  const { exp, results } = openLoopRun;
  const { r } = results[0];
  const path = exp.paths[0];
  const law = (x: RunResult, name: string) =>
    checkLaws(x, exp.config, path).find((c) => c.law === name || c.law.startsWith(name));
  const ok = (x: RunResult, name: string) =>
    checkLaws(x, exp.config, path)
      .filter((c) => c.law.startsWith(name))
      .every((c) => c.ok);

  it('the unchanged run passes every law', () => {
    expect(failed(checkLaws(r, exp.config, path))).toEqual([]);
  });

  it('conservation: one frame more dropped than there was', () => {
    expect(ok({ ...r, conservation: { ...r.conservation, dropped: r.conservation.dropped + 1 } }, 'conservation')).toBe(
      false,
    );
    expect(
      ok({ ...r, conservation: { ...r.conservation, acksSent: r.conservation.acksSent + 1 } }, 'conservation of ACKs'),
    ).toBe(false);
  });

  it('flow balance: a hop that passed on one frame it never had', () => {
    const hopOut = [...r.flow.hopOut];
    hopOut[2] += 1;
    expect(ok({ ...r, flow: { ...r.flow, hopOut } }, 'flow balance')).toBe(false);
  });

  it('delivered throughput counted twice', () => {
    expect(law({ ...r, deliveredPackets: 2 * r.deliveredPackets }, 'delivered = out of the last hop')?.ok).toBe(false);
  });

  it('no core above 100 %, no more than line rate', () => {
    expect(
      ok({ ...r, coreBusyNs: r.coreBusyNs.map((b, i) => (i === 0 ? r.windowNs * 1.001 : b)) }, 'core 0 at most'),
    ).toBe(false);
    expect(law({ ...r, wireBusyNs: r.windowNs * 1.001 }, 'wire at most line rate')?.ok).toBe(false);
  });

  it(`utilization law against declared costs: ${100 * UTILIZATION_TOLERANCE} % of bias passes barely, 2 % does not`, () => {
    const scaled = (f: number) => ({ ...r, coreBusyNs: r.coreBusyNs.map((b) => b * f) });
    expect(ok(scaled(1 + UTILIZATION_TOLERANCE * 0.9), 'utilization law')).toBe(true);
    expect(ok(scaled(1.02), 'utilization law')).toBe(false);
    expect(ok(scaled(0.98), 'utilization law')).toBe(false);
  });

  it('utilization law catches costs charged wrongly by the model: every cost 30 % too high', () => {
    const biased = {
      ...path,
      costs: Object.fromEntries(Object.entries(path.costs).map(([k, v]) => [k, v * 1.3])) as typeof path.costs,
    };
    const run = runPath(exp.config, biased);
    // The run charged the biased costs; the law holds it to the declared ones.
    const checks = checkLaws(run, exp.config, path).filter((c) => c.law.startsWith('utilization law'));
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.some((c) => !c.ok)).toBe(true);
    // Against its own (biased) declaration it is consistent.
    expect(checkLaws(run, exp.config, biased).filter((c) => !c.ok)).toEqual([]);
  });

  it(`Little's law: ${100 * LITTLE_TOLERANCE} % holds, 3 % more frames in the places does not`, () => {
    const meanSojourn = r.departuresSojournNs / r.departures;
    expect(meanSojourn).toBeLessThan(0.005 * r.windowNs);
    const placeArea = (f: number) => ({ ...r, flow: { ...r.flow, placeArea: r.flow.placeArea.map((a) => a * f) } });
    expect(law(placeArea(1.01), "Little's law")?.ok).toBe(true);
    expect(law(placeArea(1.03), "Little's law")?.ok).toBe(false);
    // The accounting identity sees the same change exactly.
    expect(law(placeArea(1.0001), 'frames in system are in places')?.ok).toBe(false);
  });

  it("Little's law is not judged when frames still inside at the close have sat there for much of the window", () => {
    // A starved ring holds frames that count in L all window and never reach W.
    const inside = (age: number) => ({ ...r, inFlightAtClose: 10, inFlightAgeNs: 10 * age * r.windowNs });
    expect(law(inside(0.5), "Little's law")).toBeUndefined();
    expect(law(inside(0.004), "Little's law")).toBeDefined();
  });
});

describe('what each law reports, by hand', () => {
  const { exp, results } = openLoopRun;
  const { r } = results[0];
  const path = exp.paths[0];
  const checks = (x: RunResult) => checkLaws(x, exp.config, path);
  const law = (x: RunResult, name: string) => checks(x).find((c) => c.law === name)!;

  // Bulk TCP brings ACKs back through the return chain, whose hops are named "return ...".
  const tcp = runAll({ duration: '20 ms', warmup: '2 ms', vms: { count: 2 }, paths: ['sriov'] });
  const saturated = { r: tcp.results[0].r, check: (x: RunResult) => checkLaws(x, tcp.exp.config, tcp.exp.paths[0]) };

  it('names every law once, in order, and marks the identities exact', () => {
    const names = checks(r).map((c) => c.law);
    const hopLaws = r.hops.map((h) => `flow balance, hop ${h.name}`);
    expect(r.hops.every((h) => h.chain === 'forward')).toBe(true);
    expect(names.slice(0, 2 + hopLaws.length + 2)).toEqual([
      'conservation',
      'conservation of ACKs',
      ...hopLaws,
      'delivered = out of the last hop',
      'frames in system are in places',
    ]);
    const cores = r.coreBusyNs.map((_, i) => `core ${i} at most 100 %`);
    expect(names.slice(4 + hopLaws.length, 4 + hopLaws.length + cores.length + 1)).toEqual([
      ...cores,
      'wire at most line rate',
    ]);
    const rest = names.slice(5 + hopLaws.length + cores.length);
    expect(rest.at(-1)).toBe("Little's law");
    expect(rest.slice(0, -1).every((n) => /^utilization law, core \d+$/.test(n))).toBe(true);
    expect(rest.length).toBeGreaterThan(1);
    for (const c of checks(r)) expect(c.exact).toBe(!/^(utilization law|Little)/.test(c.law));
    const back = saturated.r.hops.filter((h) => h.chain === 'reverse').map((h) => `flow balance, hop return ${h.name}`);
    expect(back.length).toBeGreaterThan(0);
    const forward = saturated.r.hops.filter((h) => h.chain === 'forward').map((h) => `flow balance, hop ${h.name}`);
    expect(
      saturated
        .check(saturated.r)
        .filter((c) => c.law.startsWith('flow balance'))
        .map((c) => c.law),
    ).toEqual([...forward, ...back]);
  });

  it('conservation: frames and ACKs each add up, and say how', () => {
    const x: RunResult = {
      ...r,
      conservation: {
        ...r.conservation,
        offered: 10,
        delivered: 7,
        dropped: 2,
        inFlight: 1,
        acksSent: 5,
        acksReceived: 3,
        acksDropped: 1,
        acksInFlight: 1,
      },
    };
    expect(law(x, 'conservation')).toEqual({
      law: 'conservation',
      exact: true,
      ok: true,
      detail: 'frames offered 10, delivered 7, dropped 2, in flight 1',
    });
    expect(law(x, 'conservation of ACKs')).toEqual({
      law: 'conservation of ACKs',
      exact: true,
      ok: true,
      detail: 'ACKs sent 5, received 3, dropped 1, in flight 1',
    });
  });

  it('flow balance and delivery say what they counted', () => {
    const t = saturated.r;
    const h = t.hops.findIndex((x) => x.chain === 'reverse');
    const held = t.flow.placeAtClose[h] - t.flow.placeAtOpen[h];
    const balance = saturated.check(t).find((c) => c.law === `flow balance, hop return ${t.hops[h].name}`)!;
    expect(balance.detail).toBe(
      `in ${t.flow.hopIn[h]}, out ${t.flow.hopOut[h]}, dropped ${t.flow.drops[h]}, held ${held}`,
    );
    // The return chain's hops come after the last forward one, which is what delivers.
    const last = t.hops.map((x) => x.chain).lastIndexOf('forward');
    expect(last).toBeLessThan(h);
    expect(saturated.check(t).find((c) => c.law === 'delivered = out of the last hop')!.detail).toBe(
      `delivered ${t.deliveredPackets} frames, last hop passed on ${t.flow.hopOut[last]}`,
    );
    expect(law(r, 'frames in system are in places').detail).toMatch(
      /^in system \d\.\d{6}e[+-]\d+ frame-ns, in places \d\.\d{6}e[+-]\d+$/,
    );
  });

  it('a core busy exactly its window passes, a hair more does not; the share is printed', () => {
    const busy = (ns: number) => ({ ...r, coreBusyNs: r.coreBusyNs.map((b, i) => (i === 0 ? ns : b)) });
    expect(law(busy(r.windowNs / 2), 'core 0 at most 100 %')).toMatchObject({ ok: true, detail: '50.0000 %' });
    expect(law(busy(r.windowNs * (1 + 1e-9)), 'core 0 at most 100 %').ok).toBe(true);
    expect(law(busy(r.windowNs * (1 + 3e-9)), 'core 0 at most 100 %').ok).toBe(false);
  });

  it('the wire: busy time on the clock against the serialization time of what it sent', () => {
    // A quarter of the window busy; frames of 1000 x 1500 B plus 20 B each at the line rate.
    const rate = r.lineRateGbps;
    const sentNs = ((1000 * 1500 + 1000 * 20) * 8) / rate;
    const wire = (busyNs: number) => ({ ...r, wireBusyNs: busyNs, wireFrames: 1000, wireBytes: 1000 * 1500 });
    const quarter = law(wire(sentNs), 'wire at most line rate');
    const pct = ((100 * sentNs) / r.windowNs).toFixed(4);
    expect(quarter).toMatchObject({ ok: true, detail: `wire busy ${pct} %, frames sent take ${pct} %` });
    // One packet may have been on the wire when the window opened: up to a largest frame (9216 B
    // plus 20) per frame of a packet more than the busy time, not beyond.
    const longest = (r.framesPerPacket * (MAX_FRAME + 20) * 8) / rate;
    expect(law(wire(sentNs - 0.999 * longest), 'wire at most line rate').ok).toBe(true);
    expect(law(wire(sentNs - 1.001 * longest), 'wire at most line rate').ok).toBe(false);
    // Busy exactly the window (to rounding) passes; a hair more does not.
    expect(law({ ...wire(sentNs), wireBusyNs: r.windowNs * (1 + 1e-9) }, 'wire at most line rate').ok).toBe(true);
    expect(law({ ...wire(sentNs), wireBusyNs: r.windowNs * (1 + 3e-9) }, 'wire at most line rate').ok).toBe(false);
  });

  it("Little's and the utilization law print their two sides and the error", () => {
    const little = law(r, "Little's law");
    const m =
      /^L \(in places\) = (\d+\.\d{3}), lambda \(arrivals\) x W \(timestamps\) = (\d+\.\d{3}), error (\d+\.\d{3}) %$/.exec(
        little.detail,
      )!;
    expect(m).not.toBeNull();
    const [l, lw, err] = [Number(m[1]), Number(m[2]), Number(m[3])];
    expect(l).toBeCloseTo(r.meanInSystem, 2);
    expect(lw).toBeCloseTo((r.offeredPackets / r.windowNs) * (r.departuresSojournNs / r.departures), 2);
    expect(err).toBeCloseTo((100 * Math.abs(l - lw)) / l, 0);
    const util = checks(r).find((c) => c.law.startsWith('utilization law'))!;
    const core = Number(/core (\d+)$/.exec(util.law)![1]);
    const u =
      /^busy (\S+) cycles on the clock, served work x declared costs (\S+), error (-?\d+\.\d{3}) % \(allowed (\d+\.\d{3}) %\)$/.exec(
        util.detail,
      )!;
    expect(u).not.toBeNull();
    expect(Number(u[1])).toBeCloseTo(r.coreBusyNs[core] * r.clockGhz, -3);
    const e = (100 * (Number(u[1]) - Number(u[2]))) / Number(u[2]);
    expect(Number(u[3])).toBeCloseTo(e, 2);
    // At least the 1 % tolerance, and well under 100 % on a long run.
    expect(Number(u[4])).toBeGreaterThanOrEqual(100 * UTILIZATION_TOLERANCE);
    expect(Number(u[4])).toBeLessThan(5);
  });

  it(`the utilization law judges only cores that served ${MIN_CORE_PACKETS} packets and were busy 0.1 % of the window`, () => {
    const judged = (x: RunResult) =>
      checks(x)
        .filter((c) => c.law.startsWith('utilization law'))
        .map((c) => c.law);
    const all = judged(r);
    const core = Number(/core (\d+)$/.exec(all[0])![1]);
    const busy = (ns: number) => ({ ...r, coreBusyNs: r.coreBusyNs.map((b, i) => (i === core ? ns : b)) });
    expect(judged(busy(1e-3 * r.windowNs * 0.99))).not.toContain(all[0]);
    expect(judged(busy(1e-3 * r.windowNs * 1.01))).toContain(all[0]);
    // The packets the core served, all put on one of its (hop, kind) slots: 99 are too few, 100 enough.
    const cores = r.coreBusyNs.length;
    const slots = r.hops.flatMap((_, h) =>
      Array.from({ length: KIND_COUNT }, (_, kind) => ((h * cores + core) * KIND_COUNT + kind) as number),
    );
    const used = slots.find((i) => r.served.packets[i] > 0)!;
    const served = (n: number) => {
      const packets = r.served.packets.slice();
      for (const i of slots) packets[i] = 0;
      packets[used] = n;
      return { ...r, served: { ...r.served, packets } };
    };
    expect(judged(served(MIN_CORE_PACKETS - 1))).not.toContain(all[0]);
    expect(judged(served(MIN_CORE_PACKETS))).toContain(all[0]);
  });
});

describe('declared costs, read from the path spec by hand', () => {
  const costs = Object.fromEntries(Object.entries(COSTS).map(([k, v]) => [k, v.default])) as CostValues;
  const hop = (o: Partial<CpuHop>): CpuHop =>
    ({
      kind: 'cpu',
      name: 'h',
      core: 'io',
      instances: 'shared',
      ring: 64,
      notify: { kind: 'poll' },
      work: [],
      ...o,
    }) as CpuHop;

  it('per packet, per ring entry and per byte, by kind, with counts', () => {
    const d = declaredCost(
      hop({
        work: [
          { cause: 'guest', cycles: 100, count: 3 },
          { cause: 'driver', cycles: 'guest_driver', per_descriptor: true },
          { cause: 'copy', cycles_per_byte: 'copy_per_byte', count: 2, kinds: ['data', 'response'] },
          { cause: 'guest', cycles: 7, kinds: ['ack'] },
        ],
      }),
      costs,
      false,
    );
    // Kinds in order: data, ack, request, response.
    expect(d.packet).toEqual([300, 307, 300, 300]);
    expect(d.entry).toEqual([800, 800, 800, 800]);
    expect(d.byte).toEqual([1, 0, 0, 1]);
    expect([d.wakeup, d.notify]).toEqual([0, 0]);
  });

  it('notifications: the consumer per batch, the producer per notification, posted ones skip their exits', () => {
    const notify = {
      kind: 'interrupt' as const,
      posted: true,
      producer: [{ cause: 'interrupts' as const, cycles: 50, count: 2 }],
      consumer: [
        { cause: 'exits' as const, cycles: 1000, unless_posted: true },
        { cause: 'interrupts' as const, cycles: 200 },
      ],
    };
    expect(declaredCost(hop({ notify }), costs, false)).toMatchObject({ wakeup: 1200, notify: 100 });
    expect(declaredCost(hop({ notify }), costs, true)).toMatchObject({ wakeup: 200, notify: 100 });
    // Not posted by the hop: the host's posted interrupts change nothing.
    expect(declaredCost(hop({ notify: { ...notify, posted: false } }), costs, true)).toMatchObject({ wakeup: 1200 });
    // A polled ring has no notifications at all, whatever the lists say.
    expect(declaredCost(hop({ notify: { ...notify, kind: 'poll' } }), costs, false)).toMatchObject({
      wakeup: 0,
      notify: 0,
    });
  });

  it('extra copies and checksums of payload, the latter only without offload', () => {
    const h = hop({ work: [], copies: 2, checksum: 'without_offload' });
    const c = costs.copy_per_byte;
    const k = costs.checksum_per_byte;
    expect(declaredCost(h, costs, false, true).byte).toEqual([2 * c, 0, 2 * c, 2 * c]);
    expect(declaredCost(h, costs, false, false).byte).toEqual([2 * c + k, 0, 2 * c + k, 2 * c + k]);
  });

  it("service noise: a hop's squared coefficient of variation", () => {
    expect(serviceCv2(undefined)).toBe(0);
    expect(serviceCv2('deterministic')).toBe(0);
    expect(serviceCv2('exponential')).toBe(1);
    expect(serviceCv2('uniform')).toBe(1 / 3);
    expect(serviceCv2({ erlang: 4 })).toBe(1 / 4);
  });
});
