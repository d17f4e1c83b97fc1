// Times one (path, VMs) case of bench section 5 in a process of its own, so that no other
// case shapes the JIT's view of the model, and only once the case is warm: runs untimed for at
// least WARM_MS of wall time (a 4-VM run is short, and its first runs measured up to 1.6x
// slower than its later ones), then `timed` runs. Prints each timed run's wall time per
// simulated packet and the run's events and packets, as JSON.
import { hostScenario, timePath } from './paths.js';

const WARM_MS = 1000;
const [dir, path, vmsArg, duration, timedArg] = process.argv.slice(2);
const vms = Number(vmsArg);
const exp = hostScenario(dir, {
  name: `vms-${path}-${vms}`,
  lineRate: '100 Gbit/s',
  cores: 64,
  vms,
  path,
  duration,
});
const warmUntil = performance.now() + WARM_MS;
let last = timePath(exp, exp.paths[0]);
while (performance.now() < warmUntil) last = timePath(exp, exp.paths[0]);
const perPacket: number[] = [];
for (let i = 0; i < Number(timedArg); i++) {
  last = timePath(exp, exp.paths[0]);
  perPacket.push(last.wallSeconds / last.packets);
}
process.stdout.write(JSON.stringify({ perPacket, packets: last.packets, events: last.events }) + '\n');
