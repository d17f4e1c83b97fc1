// Times one (path, VMs) case of bench section 5 in a process of its own, so that no other
// case shapes the JIT's view of the model, and only once the case is warm: runs untimed for at
// least WARM_MS of wall time (a 4-VM run is short, and its first runs measured up to 1.6x
// slower than its later ones), then `timed` runs.
//
// A run's wall time is a fixed part, building the VMs and filling every VM's TCP window (with
// 1,000 VMs at 256 KiB each, some 173,000 frames sent before the first ACK returns), and a
// part per packet once the windows are full. The fixed part grows with the VMs by its nature;
// divided by the packets of a whole run it looked like a per-packet cost (with 1,000
// paravirtual VMs, a quarter of a 200 ms run). So the scenario's warm-up lasts until the
// windows are full, and only the measurement window after it is timed: runPath's progress
// callback, called at fixed shares of the simulated time (which leaves the run unchanged),
// marks the wall time at which the window opens. Its packets over that wall time are the
// steady state's time per packet. Events per packet come from a second, untimed run that
// ends as the window opens (event counts are exact, so the difference holds no noise).
//
// Prints, as JSON: each timed run's steady-state wall time per packet and its whole wall time
// per packet delivered (the fixed part included, as a user waits for it), and the events per
// packet of the measurement window.
import { PROGRESS_STEPS, runPath } from '../model/network.js';
import { hostScenario } from './paths.js';

const WARM_MS = 1000;
const [dir, path, vmsArg, warmup, duration, timedArg, ppsArg] = process.argv.slice(2);
const vms = Number(vmsArg);
// Saturating, or (with a sixth argument) open loop at that many packets/s per VM.
const ppsPerVm = ppsArg === undefined ? undefined : Number(ppsArg);
const scenario = (until: string, warm: string) =>
  hostScenario(dir, {
    name: `vms-${path}-${vms}-${ppsPerVm ?? 'saturate'}-${until.replace(/\s+/g, '')}`,
    lineRate: '100 Gbit/s',
    cores: 64,
    vms,
    path,
    duration: until,
    warmup: warm,
    ppsPerVm,
  });
const exp = scenario(duration, warmup);
const { config } = exp;
// The step of runPath's progress callback at which the window opens: the bench picks warm-ups
// that are a whole number of steps, so the callback fires just as the window opens.
const openStep = (config.warmupNs / config.durationNs) * PROGRESS_STEPS;
if (!(Math.abs(openStep - Math.round(openStep)) < 1e-9 && openStep >= 1))
  throw new Error(`${path} ${vms} VMs: a warm-up of ${warmup} in ${duration} is not a whole progress step`);
const opens = Math.round(openStep) / PROGRESS_STEPS;

function timed(): { perPacket: number; whole: number; events: number; delivered: number } {
  let atOpen = NaN;
  const t0 = performance.now();
  const r = runPath(config, exp.paths[0], (done) => {
    if (Math.abs(done - opens) < 1e-12) atOpen = performance.now();
  });
  const end = performance.now();
  return {
    perPacket: (end - atOpen) / 1000 / r.deliveredPackets,
    whole: (end - t0) / 1000 / r.conservation.delivered,
    events: r.events,
    delivered: r.conservation.delivered,
  };
}

const warmUntil = performance.now() + WARM_MS;
do timed();
while (performance.now() < warmUntil);
const perPacket: number[] = [];
const wholeRun: number[] = [];
let last: ReturnType<typeof timed> | undefined;
for (let i = 0; i < Number(timedArg); i++) {
  last = timed();
  perPacket.push(last.perPacket);
  wholeRun.push(last.whole);
}
// The same run up to the window's opening (its own window, which changes no event, opens earlier).
const head = scenario(warmup, '0 ms');
const before = runPath(head.config, head.paths[0]);
if (last === undefined) throw new Error('no timed run: the last argument must be at least 1');
const eventsPerPacket = (last.events - before.events) / (last.delivered - before.conservation.delivered);
process.stdout.write(JSON.stringify({ perPacket, wholeRun, eventsPerPacket }) + '\n');
