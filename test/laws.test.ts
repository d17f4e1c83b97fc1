import { describe, expect, it } from 'vitest';
import { checkLaws, LITTLE_TOLERANCE, UTILIZATION_TOLERANCE, type LawCheck } from '../src/experiment/laws.js';
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

describe('each law fails when what it checks is wrong: a case just inside and one just outside', () => {
  const { exp, results } = runAll({
    duration: '30 ms',
    warmup: '3 ms',
    host: { hypervisor_cores: 2 },
    traffic: { load: '3 Gbit/s' },
    paths: ['paravirtual'],
  });
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
