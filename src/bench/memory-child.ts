// Runs one path of the quickstart for a given number of packets and prints its peak RSS:
// run in a child process so each measurement starts from a fresh heap.
import { quickstart, timePath } from './paths.js';

const packets = Number(process.argv[2]);
const path = process.argv[3] ?? 'sriov';
// At line rate with 1518-B frames the quickstart delivers 812,743 packets/s ([W5]).
const seconds = packets / 812_743;
const exp = quickstart(`${seconds} s`, [path]);
const speed = timePath(exp, exp.paths[0]);
process.stdout.write(
  JSON.stringify({
    path,
    packets: speed.packets,
    wallSeconds: speed.wallSeconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }) + '\n',
);
