// npm run bench: speed and memory of iovsim on this machine, as ratios against a reference
// run in the same process, alternately, where one exists. Not part of npm test.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Row } from '../metrics/metrics.js';
import { BUILTIN_PATH_NAMES } from '../model/paths.js';
import { toCsv } from '../output/csv.js';
import { writeAtomic } from '../output/write.js';
import type { Experiment } from '../scenario/resolve.js';
import { holdIovsim, holdTypedArrayHeap, holdWorkload } from './hold.js';
import { hostScenario, quickstart, timePath, type PathSpeed } from './paths.js';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x: number, d = 2): string => x.toFixed(d);
const num = (x: number, d = 3): number => Number(x.toFixed(d));
const quick = process.argv.includes('--quick');
/** `--only 2,5` runs those sections alone (results/bench.csv then holds only their rows). */
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? process.argv[onlyArg + 1].split(',').map(Number) : undefined;
const want = (section: number): boolean => only === undefined || only.includes(section);
const rows: Row[] = [];
const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
const log = (line: string): void => void process.stdout.write(line + '\n');
const tmp = mkdtempSync(join(tmpdir(), 'iovsim-bench-'));
/** A file in the bench's scratch directory, made again if something cleaned it away meanwhile. */
const scratch = (name: string): string => {
  mkdirSync(tmp, { recursive: true });
  return join(tmp, name);
};
const bin = fileURLToPath(new URL('../../bin/iovsim.js', import.meta.url));
const node = process.execPath;

/** A row of results/bench.csv: `ratio` is what to compare across machines, `met` whether it reaches `target`. */
function row(r: {
  benchmark: string;
  item: string;
  value: number;
  unit: string;
  reference?: number | string;
  ratio: number;
  spread?: string;
  target: string;
  met: boolean | '';
}): void {
  rows.push({
    benchmark: r.benchmark,
    item: r.item,
    value: r.value,
    unit: r.unit,
    reference: r.reference ?? '',
    ratio: r.ratio,
    spread: r.spread ?? '',
    target: r.target,
    met: r.met === '' ? '' : r.met ? 'yes' : 'no',
    machine,
  });
}

/** Runs each thunk once per round, alternating the order every round; returns each one's results. */
function alternate(rounds: number, thunks: (() => number)[]): number[][] {
  const out = thunks.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    const order = thunks.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) out[i].push(thunks[i]());
  }
  return out;
}

/** What one of the bench's child scripts (beside this file) prints: one JSON line. */
function child<T>(script: string, args: (string | number)[]): T {
  const file = fileURLToPath(new URL(script, import.meta.url));
  return JSON.parse(execFileSync(node, [file, ...args.map(String)], { encoding: 'utf8' })) as T;
}

/** Wall seconds of a child process (start-up included), its output discarded. */
function wall(args: string[]): number {
  const t0 = performance.now();
  execFileSync(node, args, { stdio: 'ignore' });
  return (performance.now() - t0) / 1000;
}

/** Ratios a[i] / b[i] of one round each: their median and their range, for the spread column. */
function ratios(a: number[], b: number[]): { median: number; spread: string } {
  const r = a.map((x, i) => x / b[i]);
  return { median: median(r), spread: `${fmt(Math.min(...r))}-${fmt(Math.max(...r))}` };
}

log(`iovsim bench on ${machine}${quick ? ' (--quick: shorter runs, no 100M-packet run)' : ''}\n`);

// 1. Hold model, alternating the two implementations so drift in the machine hits both.
let referenceEventsPerSecond = NaN;
if (want(1)) {
  const w = holdWorkload(quick ? 2_000_000 : 10_000_000, 1000);
  const [ours, ref] = alternate(5, [() => holdIovsim(w), () => holdTypedArrayHeap(w)]);
  const alone = child<{ fpq: number[]; ref: number[] }>('./fpq-child.js', [w.events, w.pending, 5]);
  const fpq = alone.fpq;
  const a = median(ours);
  const b = median(ref);
  referenceEventsPerSecond = b;
  const r = ratios(ours, ref);
  const ceiling = ratios(fpq, alone.ref);
  log('1. hold model (1000 pending, each event schedules one at now + Exp(1)), median of 5 alternating runs');
  log(`   iovsim engine                       ${fmt(a / 1e6)} M events/s`);
  log(`   typed-array binary heap (reference) ${fmt(b / 1e6)} M events/s`);
  log(`   ratio                               ${fmt(r.median, 3)} (${r.spread})   (target >= 0.75)`);
  log(
    `   FastPriorityQueue alone             ${fmt(median(fpq) / 1e6)} M events/s, ratio ${fmt(ceiling.median, 3)} (${ceiling.spread}) to the reference in its own process: the ceiling of an engine on it`,
  );
  row({
    benchmark: 'hold',
    item: 'iovsim engine',
    value: num(a / 1e6),
    unit: 'M events/s',
    reference: num(b / 1e6),
    ratio: num(r.median),
    spread: r.spread,
    target: '>= 0.75 x reference',
    met: r.median >= 0.75,
  });
  row({
    benchmark: 'hold',
    item: 'FastPriorityQueue alone',
    value: num(median(fpq) / 1e6),
    unit: 'M events/s',
    reference: num(median(alone.ref) / 1e6),
    ratio: num(ceiling.median),
    spread: ceiling.spread,
    target:
      "none: the required event queue with the engine's comparator and nothing else, the most an engine on it can reach",
    met: '',
  });
  // The heap's log factor: what the same engine does with fewer and more events pending.
  const sizes = [20, 200, 2000];
  const bySize = alternate(
    3,
    sizes.map((pending) => () => holdIovsim(holdWorkload(quick ? 1_000_000 : 3_000_000, pending))),
  );
  log(
    `   engine by events pending: ${sizes.map((p, i) => `${p}: ${fmt(1e9 / median(bySize[i]), 0)} ns/event`).join(', ')}\n`,
  );
  sizes.forEach((pending, i) =>
    row({
      benchmark: 'hold',
      item: `iovsim engine, ${pending} pending`,
      value: num(1e9 / median(bySize[i]), 1),
      unit: 'ns/event',
      reference: num(1e9 / median(bySize[0]), 1),
      ratio: num(median(bySize[0]) / median(bySize[i])),
      target: "none: the heap's log factor (ratio to 20 pending), for reading the VM rows",
      met: '',
    }),
  );
}

// 2. M/M/1 through the CLI against a hand-written M/M/1, both whole processes.
if (want(2)) {
  const customers = quick ? 200_000 : 1_000_000;
  const mm1 = (name: string, n: number): string => {
    const file = scratch(`${name}.yaml`);
    writeFileSync(file, mm1Scenario(name, n));
    return file;
  };
  const scenario = mm1('mm1', customers);
  // The same run with a thousand customers: what the CLI costs before the simulation.
  const empty = mm1('mm1-empty', 1000);
  const handWritten = fileURLToPath(new URL('./mm1-child.js', import.meta.url));
  const out = join(tmp, 'mm1-out');
  const [cli, hand, fixed] = alternate(quick ? 3 : 5, [
    () => wall([bin, 'run', scenario, '--quiet', '--format', 'csv', '--out', out]),
    () => wall([handWritten, String(customers)]),
    () => wall([bin, 'run', empty, '--quiet', '--format', 'csv', '--out', out]),
  ]);
  // The engine alone for the run's 2 events per customer, with a few pending as in an M/M/1.
  const engine = alternate(3, [() => holdIovsim(holdWorkload(2 * customers, 4))])[0];
  const floor = median(fixed) + (2 * customers) / median(engine);
  const r = ratios(cli, hand);
  log(`2. M/M/1 at utilization 0.9, ${customers / 1e6} M customers, whole process (start-up included), alternating`);
  log(`   iovsim run (one-hop custom path)    ${fmt(median(cli), 3)} s`);
  log(`   hand-written typed-array M/M/1      ${fmt(median(hand), 3)} s`);
  log(`   ratio                               ${fmt(r.median)} (${r.spread})   (target <= 2)`);
  log(
    `   floor: the same run of 1000 customers ${fmt(median(fixed), 3)} s + the engine alone for ${(2 * customers) / 1e6} M events ${fmt((2 * customers) / median(engine), 3)} s = ${fmt(floor, 3)} s, ${fmt(floor / median(hand))}x\n`,
  );
  row({
    benchmark: 'mm1 cli',
    item: `${customers / 1e6}M customers`,
    value: num(median(cli)),
    unit: 's wall',
    reference: num(median(hand)),
    ratio: num(r.median),
    spread: r.spread,
    target: '<= 2 x hand-written M/M/1',
    met: r.median <= 2,
  });
  row({
    benchmark: 'mm1 floor',
    item: `${customers / 1e6}M customers`,
    value: num(floor),
    unit: 's wall if the model cost nothing',
    reference: num(median(hand)),
    ratio: num(floor / median(hand)),
    target: `none: the CLI's run of 1000 customers (${fmt(median(fixed), 3)} s) plus the engine alone for the events; ratio to the hand-written M/M/1`,
    met: '',
  });
}

/** The M/M/1 as an iovsim scenario: arrivals at 1 Mpps, mean service 0.9 us, `customers` arrivals. */
function mm1Scenario(name: string, customers: number): string {
  return [
    `name: ${name}`,
    'seed: 1',
    // 1 Mpps for customers / 1e6 s: `customers` arrivals.
    `duration: ${customers / 1e6} s`,
    'warmup: 0 s',
    'host: { cores: 1, clock: 1 GHz }',
    'vms: { count: 1 }',
    'traffic: { direction: rx, load: 1 Mpps, arrivals: poisson, frame_bytes: 64 }',
    'paths: [queue]',
    'custom_paths:',
    '  queue:',
    '    base: native',
    '    rx:',
    '      - { kind: cpu, name: server, core: 0, instances: shared, ring: 1000000, notify: { kind: poll }, work: [{ cause: guest, cycles: 900 }], service: exponential }',
    '',
  ].join('\n');
}

// 3. Start-up: --version and validate against node itself.
if (want(3)) {
  const quickstartFile = fileURLToPath(new URL('../../scenarios/quickstart.yaml', import.meta.url));
  const [nodeOnly, version, validate] = alternate(quick ? 5 : 11, [
    () => wall(['-e', '0']),
    () => wall([bin, '--version']),
    () => wall([bin, 'validate', quickstartFile]),
  ]);
  const v = ratios(version, nodeOnly);
  const val = ratios(validate, nodeOnly);
  log('3. start-up, whole process, alternating (median)');
  log(`   node -e 0                           ${fmt(median(nodeOnly) * 1000, 0)} ms`);
  log(
    `   iovsim --version                    ${fmt(median(version) * 1000, 0)} ms   ${fmt(v.median)}x node (${v.spread})   (target <= 2.5x)`,
  );
  log(
    `   iovsim validate quickstart.yaml     ${fmt(median(validate) * 1000, 0)} ms   ${fmt(val.median)}x node (${val.spread})   (target <= 2.5x)\n`,
  );
  row({
    benchmark: 'start-up',
    item: 'iovsim --version',
    value: num(median(version) * 1000, 1),
    unit: 'ms wall',
    reference: num(median(nodeOnly) * 1000, 1),
    ratio: num(v.median),
    spread: v.spread,
    target: '<= 2.5 x node -e 0',
    met: v.median <= 2.5,
  });
  row({
    benchmark: 'start-up',
    item: 'iovsim validate quickstart.yaml',
    value: num(median(validate) * 1000, 1),
    unit: 'ms wall',
    reference: num(median(nodeOnly) * 1000, 1),
    ratio: num(val.median),
    spread: val.spread,
    target: '<= 2.5 x node -e 0',
    met: val.median <= 2.5,
  });
}

// 4. Every built-in path at the quickstart; and the same host at 1, 10 and 100 GbE.
if (want(4)) {
  const duration = quick ? '0.2 s' : '1 s';
  const exps: { name: string; exp: Experiment }[] = [];
  for (const name of BUILTIN_PATH_NAMES) {
    try {
      exps.push({ name, exp: quickstart(duration, [name]) });
    } catch (e) {
      log(`   (${name} does not run on the quickstart host: ${(e as Error).message})`);
    }
  }
  for (const { exp } of exps) timePath(quickstart('50 ms', [exp.paths[0].name]), exp.paths[0]); // warm the JIT
  const runs: PathSpeed[][] = exps.map(() => []);
  // The reference heap runs in every round too: packets per reference event is the machine-independent figure.
  const hold = holdWorkload(quick ? 1_000_000 : 3_000_000, 1000);
  // The engine alone with as few events pending as the quickstart has (about 5 to 10): its
  // events/s over a path's events per packet is the most that path could reach if the model's
  // own work cost nothing.
  const bare = holdWorkload(quick ? 1_000_000 : 3_000_000, 8);
  // Five rounds: with three, one slow minute on this shared machine moved a path's median by a third.
  const rounds = quick ? 3 : 5;
  const measured = alternate(rounds, [
    ...exps.map(({ exp }, i) => () => {
      const s = timePath(exp, exp.paths[0]);
      runs[i].push(s);
      return s.packets / s.wallSeconds;
    }),
    () => holdTypedArrayHeap(hold),
    () => holdIovsim(bare),
  ]);
  const speeds = measured.slice(0, exps.length);
  const reference = median(measured[exps.length]);
  const engineAlone = median(measured[exps.length + 1]);
  log(
    `4. per built-in path: quickstart (10 GbE, 1518-B frames, 4 VMs, saturating), ${duration} simulated, median of ${rounds} alternating (packets per reference event: median of the rounds' ratios)`,
  );
  log(
    `   path              packets/wall-s  simulated s/wall s  events/packet  packets per reference event  engine-alone ceiling   (target >= 3 M packets/wall s; reference heap ${fmt(reference / 1e6)} M events/s, engine with 8 pending ${fmt(engineAlone / 1e6)} M)`,
  );
  exps.forEach(({ name }, i) => {
    const pps = median(speeds[i]);
    const simPerWall = median(runs[i].map((s) => s.simulatedSeconds / s.wallSeconds));
    const eventsPerPacket = runs[i][0].events / runs[i][0].packets;
    const lo = Math.min(...speeds[i]);
    const hi = Math.max(...speeds[i]);
    const ceiling = engineAlone / eventsPerPacket;
    // Each round's path against that round's reference heap, so a slow minute hits both.
    const perEvent = ratios(speeds[i], measured[exps.length]);
    log(
      `   ${name.padEnd(16)}  ${fmt(pps / 1e6).padStart(10)} M    ${fmt(simPerWall).padStart(14)}    ${fmt(eventsPerPacket).padStart(10)}    ${fmt(perEvent.median, 3).padStart(12)}    ${fmt(ceiling / 1e6).padStart(16)} M`,
    );
    row({
      benchmark: 'path',
      item: `${name} quickstart`,
      value: num(pps / 1e6),
      unit: 'M packets/wall s',
      reference: num(reference / 1e6),
      ratio: num(perEvent.median),
      spread: `${fmt(lo / 1e6)}-${fmt(hi / 1e6)} M`,
      target: `>= 3 M packets/wall s (ratio = packets per event of the reference heap, run alternately; 3 M at README's 9.23 M events/s is 0.325); ${fmt(simPerWall)} simulated s/wall s`,
      met: pps >= 3e6,
    });
    row({
      benchmark: 'path ceiling',
      item: `${name} quickstart`,
      value: num(ceiling / 1e6),
      unit: 'M packets/wall s with the model costing nothing',
      reference: num(eventsPerPacket),
      ratio: num(ceiling / 3e6),
      target: `none: the engine alone with 8 pending (${fmt(engineAlone / 1e6)} M events/s) over the path's events per packet (reference); ratio = ceiling / the 3 M target, under 1 means per-packet events cannot reach it`,
      met: '',
    });
  });
  // A packet's cost should not depend on the line rate: the same host and VMs at 1, 10 and 100 GbE.
  const rates = ['1 Gbit/s', '10 Gbit/s', '100 Gbit/s'];
  const lineRate = ['sriov', 'paravirtual'].flatMap((path) =>
    rates.map((lineRate) => ({
      path,
      lineRate,
      exp: hostScenario(tmp, {
        name: `rate-${path}-${lineRate.split(' ')[0]}`,
        lineRate,
        cores: 8,
        vms: 4,
        path,
        duration: quick ? '40 ms' : '200 ms',
      }),
    })),
  );
  const perPacket = alternate(
    3,
    lineRate.map(({ exp }) => () => {
      const s = timePath(exp, exp.paths[0]);
      return s.wallSeconds / s.packets;
    }),
  );
  const simPerWall = lineRate.map(({ exp }) => {
    const s = timePath(exp, exp.paths[0]);
    return s.simulatedSeconds / s.wallSeconds;
  });
  log('\n   line rate (quickstart host, 1518-B frames): ns per simulated packet, ratio to 1 GbE, simulated s/wall s');
  lineRate.forEach(({ path, lineRate: rate }, i) => {
    const base = median(perPacket[i - (i % rates.length)]);
    const ns = median(perPacket[i]) * 1e9;
    const ratio = median(perPacket[i]) / base;
    log(
      `   ${path.padEnd(12)} ${rate.padStart(10)}  ${fmt(ns, 0).padStart(6)} ns  ${fmt(ratio)}x  ${fmt(simPerWall[i]).padStart(6)} simulated s/wall s`,
    );
    row({
      benchmark: 'line rate',
      item: `${path} ${rate}`,
      value: num(ns, 0),
      unit: 'ns wall per simulated packet',
      reference: num(simPerWall[i]),
      ratio: num(ratio),
      target: '<= 1.3 x the 1 GbE time (reference = simulated s per wall s)',
      met: ratio <= 1.3,
    });
  });
  log('');
}

// 5. Time per simulated packet as the VMs grow: 100 GbE, 64 cores. Each case in a fresh
// process, warmed before it is timed (vms-child.ts): run in one process, the cases shaped the
// JIT for one another, and the 4-VM time, the base of every ratio, moved by 1.9x between runs.
// The time per packet is the steady state's, apart from each run's fixed part (building the
// VMs, filling their windows), which is reported beside it (vms-child.ts says why).
if (want(5)) {
  const counts = [4, 64, 256, 1000];
  const saturating = ['sriov', 'paravirtual'].flatMap((path) =>
    counts.map((vms) => ({
      path,
      vms,
      ppsPerVm: undefined as number | undefined,
      // Paravirtual's one receive I/O core carries about 0.45 Mpps, SR-IOV up to line rate.
      // The warm-up lasts until the windows have filled (with 1,000 SR-IOV VMs, events per
      // packet settle at 25 ms: 4.99 from 10 to 20 ms, 4.25 to 25, 4.00 to 30); it is a whole
      // number of the run's 50 progress steps (vms-child.ts times from there).
      warmup: path === 'sriov' ? (quick ? '24 ms' : '25 ms') : quick ? '30 ms' : '50 ms',
      duration: path === 'sriov' ? (quick ? '40 ms' : '50 ms') : quick ? '75 ms' : '250 ms',
    })),
  );
  // Saturating, a VM's share of the port shrinks as VMs are added, so each VM's ring wakes
  // for fewer packets: the host modelled takes more interrupts and cycles per packet (SR-IOV:
  // 0.011 interrupts and 4,112 cycles per packet with 4 VMs, 0.52 and 7,488 with 1,000). At
  // the same load per VM it does the same work per packet however many VMs there are, so the
  // time per packet then shows the simulator's own cost of more VMs. SR-IOV only: paravirtual's
  // one shared switch core batches more as its total load grows, so its work per packet moves
  // with the VMs either way. The window holds about the same number of packets in each case;
  // 1,000 VMs at 8 kpps are 98 % of 100 GbE (no frame dropped in the bench's runs).
  const SAME_LOAD_PPS = 8000;
  // A warm-up of a quarter of the window (10 of the run's 50 progress steps), in whole us.
  const warmupUs = (vms: number) => Math.ceil((((quick ? 50_000 : 150_000) / (SAME_LOAD_PPS * vms)) * 1e6) / 4);
  const sameLoad = counts.map((vms) => ({
    path: 'sriov',
    vms,
    ppsPerVm: SAME_LOAD_PPS as number | undefined,
    warmup: `${(warmupUs(vms) / 1000).toFixed(3)} ms`,
    duration: `${((5 * warmupUs(vms)) / 1000).toFixed(3)} ms`,
  }));
  const cases = [...saturating, ...sameLoad];
  // Exact event counts: the same in every round.
  const eventsPerPacket: number[] = [];
  const wholeRun = cases.map((): number[] => []);
  const vmRounds = quick ? 3 : 5;
  const perPacket = alternate(
    vmRounds,
    cases.map(({ path, vms, warmup, duration, ppsPerVm }, i) => () => {
      const out = child<{ perPacket: number[]; wholeRun: number[]; eventsPerPacket: number }>('./vms-child.js', [
        scratch('vms'),
        path,
        vms,
        warmup,
        duration,
        quick ? 1 : 3,
        ...(ppsPerVm === undefined ? [] : [ppsPerVm]),
      ]);
      eventsPerPacket[i] = out.eventsPerPacket;
      wholeRun[i].push(median(out.wholeRun));
      return median(out.perPacket);
    }),
  );
  log(
    `5. VMs: 100 GbE, 64 cores, 1518-B frames, saturating or at ${SAME_LOAD_PPS / 1000} kpps per VM; steady-state wall time per simulated packet (the measurement window's, after a warm-up that fills the TCP windows, or a quarter of the window in open loop), each case in a fresh process warmed for 1 s, median of ${quick ? 1 : 3} runs, ${vmRounds} alternating rounds (ratio: median of the rounds' ratios to 4 VMs); whole run: the run's wall time over all the packets it delivered, building the VMs (and filling their windows) included`,
  );
  log('   path                VMs   ns/packet  ratio to 4 VMs  events/packet  ns/event  whole run ns/packet  ratio');
  cases.forEach(({ path, vms, warmup, duration, ppsPerVm }, i) => {
    const label = ppsPerVm === undefined ? path : `${path} ${ppsPerVm / 1000} kpps/VM`;
    // Each round's case against that round's 4-VM case, so a slow minute hits both.
    const base = i - (i % counts.length);
    const paired = ratios(perPacket[i], perPacket[base]);
    const t = median(perPacket[i]);
    const ratio = paired.median;
    const ev = eventsPerPacket[i];
    const whole = ratios(wholeRun[i], wholeRun[base]);
    log(
      `   ${label.padEnd(19)} ${String(vms).padStart(4)}  ${fmt(t * 1e9, 0).padStart(9)}  ${fmt(ratio).padStart(13)}  ${fmt(ev).padStart(13)}  ${fmt((t * 1e9) / ev, 0).padStart(8)}  ${fmt(median(wholeRun[i]) * 1e9, 0).padStart(19)}  ${fmt(whole.median).padStart(5)}`,
    );
    row({
      benchmark: ppsPerVm === undefined ? 'vms' : 'vms same load',
      item: `${label} ${vms} VMs`,
      value: num(t * 1e9, 0),
      unit: `ns wall per simulated packet, steady state (from ${warmup} to ${duration})`,
      reference: num(ev),
      ratio: num(ratio),
      spread: paired.spread,
      target: "<= 1.3 x the 4-VM time (reference = events per packet; ratio = median of the rounds' ratios)",
      met: ratio <= 1.3,
    });
    row({
      benchmark: ppsPerVm === undefined ? 'vms whole run' : 'vms same load whole run',
      item: `${label} ${vms} VMs`,
      value: num(median(wholeRun[i]) * 1e9, 0),
      unit: `ns wall per packet delivered in a whole ${duration} run (building the VMs${ppsPerVm === undefined ? ' and filling their windows' : ''} included)`,
      reference: num(median(wholeRun[base]) * 1e9, 0),
      ratio: num(whole.median),
      spread: whole.spread,
      target:
        "none: the fixed part grows with the VMs by its nature (reference = 4 VMs; ratio = median of the rounds' ratios)",
      met: '',
    });
  });
  log('');
}

// 6. Peak RSS, each run in a fresh process.
if (want(6)) {
  const sizes = quick ? [1_000_000, 10_000_000] : [1_000_000, 100_000_000];
  log('6. peak RSS of one sriov quickstart run (fresh process each)');
  const rss: number[] = [];
  for (const n of sizes) {
    const out = child<{ packets: number; wallSeconds: number; peakRssMb: number }>('./memory-child.js', [n, 'sriov']);
    rss.push(out.peakRssMb);
    log(
      `   ${(n / 1e6).toFixed(0).padStart(4)} M packets: ${fmt(out.peakRssMb, 1)} MB peak RSS (${out.packets} delivered in ${fmt(out.wallSeconds, 1)} s)`,
    );
    row({
      benchmark: 'memory',
      item: `${n / 1e6}M packets`,
      value: num(out.peakRssMb, 1),
      unit: 'MB peak RSS',
      reference: num(rss[0], 1),
      ratio: num(out.peakRssMb / rss[0]),
      target: '< 200 MB and within 10 % of the 1M run',
      met: out.peakRssMb < 200 && out.peakRssMb / rss[0] <= 1.1,
    });
  }
  log(
    `   growth: ${fmt((100 * (rss[rss.length - 1] - rss[0])) / rss[0], 1)} %   (target: under 200 MB, within 10 %)\n`,
  );
}

// 7. Sweep scaling: the same sweep through the CLI with --jobs 1 and --jobs 2, each a fresh process.
if (want(7)) {
  const scenario = scratch('sweep.yaml');
  writeFileSync(
    scenario,
    [
      'name: bench-sweep',
      `duration: ${quick ? '40 ms' : '500 ms'}`,
      'warmup: 5 ms',
      'host: { cores: 8, clock: 2.9 GHz, hypervisor_cores: 4 }',
      'nic: { vmdq_pools: 64, vfs: 64 }',
      'traffic: { load: saturate, frame_bytes: 1518 }',
      'sweep:',
      '  vms.count: [1, 2, 3, 4, 6, 8, 12, 16]',
      '',
    ].join('\n'),
  );
  const run = (jobs: number): number =>
    wall([bin, 'run', scenario, '--jobs', String(jobs), '--quiet', '--out', join(tmp, `j${jobs}`), '--format', 'csv']);
  const [one, two] = alternate(quick ? 1 : 2, [() => run(1), () => run(2)]);
  const same =
    readFileSync(join(tmp, 'j1', 'sweep.csv'), 'utf8') === readFileSync(join(tmp, 'j2', 'sweep.csv'), 'utf8');
  const r = ratios(one, two);
  log('7. sweep scaling: 8 points x 5 paths of the quickstart host, through the CLI');
  log(
    `   --jobs 1: ${fmt(median(one), 1)} s   --jobs 2: ${fmt(median(two), 1)} s   speed-up ${fmt(r.median)}x (${r.spread})   (target >= 1.7x); CSVs ${same ? 'identical' : 'DIFFER'}`,
  );
  row({
    benchmark: 'sweep',
    item: 'jobs 2 vs 1',
    value: num(median(two), 2),
    unit: 's wall with --jobs 2',
    reference: num(median(one), 2),
    ratio: num(r.median),
    spread: r.spread,
    target: '>= 1.7 x speed-up (reference = s with --jobs 1), identical CSV',
    met: r.median >= 1.7 && same,
  });
}

rmSync(tmp, { recursive: true, force: true });
if (want(1)) log(`reference heap speed on this machine: ${fmt(referenceEventsPerSecond / 1e6)} M events/s (section 1)`);
const out = fileURLToPath(new URL('../../results/bench.csv', import.meta.url));
writeAtomic(out, toCsv(rows));
log(`wrote ${out}`);
