// Times one (path, VMs) case of bench section 5 in a process of its own, so that no other
// case shapes the JIT's view of the model, and only once the case is warm: runs untimed for at
// least WARM_MS of wall time (a 4-VM run is short, and its first runs measured up to 1.6x
// slower than its later ones), then `timed` pairs of runs.
//
// A run's wall time is a fixed part, building the VMs and filling every VM's TCP window (with
// 1,000 VMs at 256 KiB each, some 173,000 frames sent before the first ACK returns), and a
// part per packet once the windows are full. The fixed part grows with the VMs by its nature;
// divided by the packets of one run it looked like a per-packet cost (with 1,000 paravirtual
// VMs, a quarter of a 200 ms run). So each pair runs the case for a short and a long duration:
// the difference, per packet of difference, is the steady-state time per packet, and what the
// short run took beyond its packets at that rate is the fixed part.
//
// Prints, as JSON: each pair's steady-state wall time per packet and fixed part, and the
// events per packet of the difference.
import { hostScenario, timePath } from './paths.js';

const WARM_MS = 1000;
const [dir, path, vmsArg, short, long, timedArg] = process.argv.slice(2);
const vms = Number(vmsArg);
const scenario = (duration: string) =>
  hostScenario(dir, {
    name: `vms-${path}-${vms}-${duration.replace(/\s+/g, '')}`,
    lineRate: '100 Gbit/s',
    cores: 64,
    vms,
    path,
    duration,
  });
const a = scenario(short);
const b = scenario(long);
const warmUntil = performance.now() + WARM_MS;
do {
  timePath(a, a.paths[0]);
  timePath(b, b.paths[0]);
} while (performance.now() < warmUntil);
const perPacket: number[] = [];
const fixedSeconds: number[] = [];
let eventsPerPacket = NaN;
for (let i = 0; i < Number(timedArg); i++) {
  const s = timePath(a, a.paths[0]);
  const l = timePath(b, b.paths[0]);
  const packets = l.packets - s.packets;
  if (!(packets > 0)) throw new Error(`${path} ${vms} VMs: the ${long} run delivered no more than the ${short} run`);
  const each = (l.wallSeconds - s.wallSeconds) / packets;
  perPacket.push(each);
  fixedSeconds.push(s.wallSeconds - s.packets * each);
  eventsPerPacket = (l.events - s.events) / packets;
}
process.stdout.write(JSON.stringify({ perPacket, fixedSeconds, eventsPerPacket }) + '\n');
