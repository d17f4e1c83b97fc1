import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './support/cli.js';

/**
 * Hostile input: every kind of bad scenario file gets one line naming the file and the field,
 * exit 2, no stack trace, nothing written, within seconds; and `validate` says exactly what
 * `run` says, because both make every check before anything runs.
 */
const dir = mkdtempSync(join(tmpdir(), 'iovsim-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

const hop = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    kind: 'cpu',
    name: 'h',
    core: 0,
    instances: 'shared',
    ring: 64,
    notify: { kind: 'poll' },
    work: [{ cause: 'guest', cycles: 100 }],
    ...extra,
  });
const custom = (rx: string) => `paths: [c]\ncustom_paths:\n  c:\n    base: native\n    rx: [${rx}]\n`;
const validation =
  'traffic: {load: 1 Mpps, arrivals: poisson, frame_bytes: 64}\nvms: {count: 1}\nhost: {cores: 4, clock: 1 GHz}\n';

/** [what, file text, what the one line must say (after "<file>: ")] */
const CASES: [string, string, RegExp][] = [
  // Unknown fields, with a suggestion when one is close.
  [
    'unknown top-level field',
    'durtion: 10 ms\n',
    /^durtion: expected a known field .*found unknown field "durtion" \(did you mean "duration"\?\)$/,
  ],
  [
    'unknown nested field',
    'traffic:\n  laod: 5 Gbit/s\n',
    /^traffic\.laod: expected a known field .*found unknown field "laod" \(did you mean "load"\?\)$/,
  ],
  [
    'unknown cost',
    'costs: {vm_exitt: 5}\n',
    /^costs\.vm_exitt: expected a known field .*\(did you mean "vm_exit"\?\)$/,
  ],
  [
    'unknown field in a catalog mapping',
    'nic: {model: intel-82599, linerate: 10 Gbit/s}\n',
    /^nic\.linerate: expected a known field/,
  ],
  // Units and quantities.
  ['a number without a unit', 'duration: 200\n', /^duration: expected a positive duration with a unit.*found 200$/],
  ['a wrong unit', 'traffic:\n  load: 5 Gbps\n', /^traffic\.load: expected .*rate with a unit.*found "5 Gbps"$/],
  ['a negative duration', 'duration: -5 ms\n', /^duration: expected a positive duration.*found "-5 ms"$/],
  ['a zero duration', 'duration: 0 ms\n', /^duration: expected a positive duration.*found "0 ms"$/],
  [
    'an infinite duration',
    'duration: 1e400 s\n',
    /^duration: expected a positive duration.*at most 3600 s, found "1e400 s"$/,
  ],
  ['an absurd duration', 'duration: 5000 s\n', /^duration: expected .*at most 3600 s, found "5000 s"$/],
  [
    'an infinite load',
    'traffic: {load: 1e308 Gbit/s}\n',
    /^traffic\.load: expected .*at most 10 Tbit\/s.*found "1e308 Gbit\/s"$/,
  ],
  [
    'an infinite line rate',
    'nic: {line_rate: 1e400 Gbit/s}\n',
    /^nic\.line_rate: expected .*at most 10 Tbit\/s, found "1e400 Gbit\/s"$/,
  ],
  ['a line rate in packets', 'nic: {line_rate: 10 Mpps}\n', /^nic\.line_rate: expected a positive bit rate/],
  ['a clock without a unit', 'host: {clock: 2.9}\n', /^host\.clock: expected a clock frequency.*found 2\.9$/],
  ['a zero clock', 'host: {clock: 0 GHz}\n', /^host\.clock: expected a clock frequency/],
  [
    'YAML infinity',
    'costs: {vm_exit: .inf}\n',
    /^costs\.vm_exit: expected a non-negative number of cycles.*found \.inf \(infinity\)$/,
  ],
  [
    'YAML not-a-number',
    'seed: .nan\n',
    /^seed: expected seed as a whole number from 0 to 2147483647, found \.nan \(not a number\)$/,
  ],
  [
    'on/off with a bad duration',
    'traffic: {load: 1 Gbit/s, arrivals: {on_off: {on: 1 ms, off: soon}}}\n',
    /^traffic\.arrivals\.on_off\.off: expected a positive duration/,
  ],
  // Counts and ranges.
  [
    'zero cores',
    'host: {cores: 0}\n',
    /^host\.cores: expected number of cores as a whole number from 1 to 1024, found 0$/,
  ],
  ['fractional cores', 'host: {cores: 1.5}\n', /^host\.cores: expected number of cores as a whole number/],
  ['too many cores', 'host: {cores: 99999}\n', /^host\.cores: expected .*1 to 1024, found 99999$/],
  ['cores as a word', 'host:\n  cores: eight\n', /^host\.cores: expected .*whole number.*found "eight"$/],
  ['zero VMs', 'vms: {count: 0}\n', /^vms\.count: expected number of VMs as a whole number from 1 to 4096, found 0$/],
  ['too many VMs', 'vms: {count: 5000}\n', /^vms\.count: expected .*1 to 4096, found 5000$/],
  [
    'a window without a unit',
    'traffic: {window: 64}\n',
    /^traffic\.window: expected a size with a unit, such as "256 KiB".*found 64$/,
  ],
  ['a huge window', 'traffic: {window: 1 TB}\n', /^traffic\.window: expected a size with a unit.*found "1 TB"$/],
  [
    'a window beyond its bound',
    'traffic: {window: 2048 MiB}\n',
    /^traffic\.window: expected a size .*from 1518 B to 67108864 B, at most 1024 MiB, found "2048 MiB"$/,
  ],
  [
    'request/response on transmit',
    'traffic: {kind: request_response, direction: tx}\n',
    /^traffic\.direction: expected rx with request_response/,
  ],
  [
    'request/response with both a concurrency and a rate',
    'traffic: {kind: request_response, request_response: {concurrency: 4, rate_per_vm: 10 kreq/s}}\n',
    /^traffic\.request_response\.rate_per_vm: expected either concurrency \(closed loop\) or rate_per_vm/,
  ],
  [
    'an unknown ITR mode',
    'nic: {itr: adaptive-magic}\n',
    /^nic\.itr: expected an interrupt throttle rate: one of off, .*adaptive, adaptive-classes/,
  ],
  [
    'an unknown CPU platform',
    'host: {cpu: pentium-4}\n',
    /^host\.cpu: expected a CPU platform \(one of: .*found "pentium-4"$/,
  ],
  [
    'a frame below 64 B',
    'traffic: {frame_bytes: 63}\n',
    /^traffic\.frame_bytes: expected frame size in bytes as a whole number from 64 to 9216, found 63$/,
  ],
  [
    'a frame as a word',
    'traffic: {frame_bytes: jumbo}\n',
    /^traffic\.frame_bytes: expected a frame size in bytes \(64-9216\), "imix", or a list/,
  ],
  [
    'a negative frame weight',
    'traffic: {frame_bytes: [{bytes: 64, weight: -1}]}\n',
    /^traffic\.frame_bytes\[0\]\.weight: expected a positive weight, found -1$/,
  ],
  [
    'a negative cost',
    'costs: {copy_per_byte: -1}\n',
    /^costs\.copy_per_byte: expected a non-negative number of cycles\/byte, found -1$/,
  ],
  [
    'an absurd cost',
    'costs: {vm_exit: 1e12}\n',
    /^costs\.vm_exit: expected .*at most 1000000000, found 1000000000000$/,
  ],
  [
    'an ITR below the range',
    'nic: {itr: 100}\n',
    /^nic\.itr: expected an interrupt throttle rate.*956 to 488281.*found 100$/,
  ],
  ['an unknown ITR preset', 'nic: {itr: fast}\n', /^nic\.itr: expected an interrupt throttle rate.*found "fast"$/],
  [
    'a seed out of range',
    'seed: 1e20\n',
    /^seed: expected seed as a whole number from 0 to 2147483647, found 100000000000000000000$/,
  ],
  ['a negative seed', 'seed: -1\n', /^seed: expected seed as a whole number from 0 to 2147483647, found -1$/],
  [
    'zero replications',
    'replications: 0\n',
    /^replications: expected replications per point as a whole number from 1 to 10000, found 0$/,
  ],
  [
    'a direction not rx or tx',
    'traffic: {direction: up}\n',
    /^traffic\.direction: expected rx \(wire to guest\) or tx \(guest to wire\), found "up"$/,
  ],
  [
    'unknown arrivals',
    'traffic: {load: 1 Gbit/s, arrivals: bursty}\n',
    /^traffic\.arrivals: expected arrivals: "constant", "poisson", or \{on_off/,
  ],
  // Catalogs.
  [
    'an unknown NIC',
    'nic: intel-82599x\n',
    /^nic: expected a NIC in the catalog \(one of: generic, intel-82598, intel-82599, intel-82576, intel-e810-25g, intel-e810-100g, nvidia-cx6dx-100g\) or a mapping of fields, found "intel-82599x"$/,
  ],
  [
    'an unknown host',
    'host: cray-1\n',
    /^host: expected a host in the catalog \(one of: generic, opteron-8389x2\) or a mapping of fields, found "cray-1"$/,
  ],
  // Cross-field rules.
  [
    'a warm-up as long as the run',
    'duration: 10 ms\nwarmup: 20 ms\n',
    /^warmup: expected a warm-up shorter than the duration \(10 ms\), found "20 ms"$/,
  ],
  [
    'more hypervisor cores than cores',
    'host: {cores: 4, hypervisor_cores: 6}\n',
    /^host\.hypervisor_cores: expected at most host\.cores = 4, found 6$/,
  ],
  [
    'a vCPU on a core that does not exist',
    'host: {cores: 4, vcpu_cores: [1, 7]}\n',
    /^host\.vcpu_cores\[1\]: expected a core index below host\.cores = 4, found 7$/,
  ],
  [
    'load and load per VM',
    'traffic: {load: 4 Gbit/s, load_per_vm: 1 Gbit/s}\n',
    /^traffic\.load_per_vm: expected either traffic\.load .* or traffic\.load_per_vm, not both/,
  ],
  [
    'a per-VM entry for a VM that does not exist',
    'traffic: {load: 4 Gbit/s}\nper_vm: [{vm: 9, rate: 1 Gbit/s}]\n',
    /^per_vm\[0\]\.vm: expected a VM index below vms\.count = 4, found 9$/,
  ],
  [
    'a VM listed twice',
    'traffic: {load: 4 Gbit/s}\nper_vm: [{vm: 1, rate: 1 Gbit/s}, {vm: 1, rate: 2 Gbit/s}]\n',
    /^per_vm\[1\]\.vm: expected each VM listed once, found 1$/,
  ],
  [
    'a per-VM rate while saturating',
    'per_vm: [{vm: 0, rate: 1 Gbit/s}]\n',
    /^per_vm\[0\]\.rate: expected no per-VM rate when traffic\.load is "saturate"/,
  ],
  [
    'TSO on receive',
    'traffic: {direction: rx, tso_segment_bytes: 65536}\n',
    /^traffic\.tso_segment_bytes: expected no TSO segment size for receive/,
  ],
  [
    'TSO with a frame mix',
    'traffic: {direction: tx, frame_bytes: imix, tso_segment_bytes: 65536}\n',
    /^traffic\.frame_bytes: expected one frame size for all VMs when traffic\.tso_segment_bytes is set, found "imix"$/,
  ],
  [
    'more VMs than VFs',
    'vms: {count: 8}\nnic: {vfs: 7}\npaths: [sriov]\n',
    /^vms\.count: expected at most nic\.vfs = 7 VMs for path "sriov".*found 8$/,
  ],
  [
    'more VMs than VMDq pools',
    'vms: {count: 17}\npaths: [vmdq]\n',
    /^vms\.count: expected at most nic\.vmdq_pools = 16 VMs.*found 17$/,
  ],
  [
    'the 82598 has no VFs',
    'nic: intel-82598\nvms: {count: 1}\npaths: [sriov]\n',
    /^vms\.count: expected at most nic\.vfs = 0 VMs/,
  ],
  // Paths.
  ['an unknown path', 'paths: [sriov, foo]\n', /^paths\[1\]: expected a path name \(one of: native.*found "foo"$/],
  ['a path listed twice', 'paths: [sriov, sriov]\n', /^paths\[1\]: expected each path listed once, found "sriov"$/],
  [
    'a custom path named like a built-in',
    'custom_paths:\n  sriov: {base: sriov}\n',
    /^custom_paths\.sriov: expected a name that is not a built-in path/,
  ],
  [
    'a custom path with an unknown base',
    'custom_paths:\n  c: {base: virtio}\n',
    /^custom_paths\.c\.base: expected a built-in path to start from/,
  ],
  [
    'a shared hop on the vCPU',
    custom(hop({ core: 'vcpu' })),
    /^custom_paths\.c\.rx\[0\]\.instances: expected "per-vm" for a hop on core "vcpu"/,
  ],
  [
    'servers on a per-VM hop',
    custom(hop({ instances: 'per-vm', core: 'vcpu', servers: 2 })),
    /^custom_paths\.c\.rx\[0\]\.servers: expected 1 for a per-vm hop/,
  ],
  [
    'a hop on a core the host lacks',
    `host: {cores: 4}\n${custom(hop({ core: 9 }))}`,
    /^custom_paths\.c\.rx\[0\]\.core: expected a hop on cores that exist \(host\.cores = 4\), found hop "h" on cores 9\.\.9$/,
  ],
  [
    'servers beyond the last core',
    `host: {cores: 4}\n${custom(hop({ core: 2, servers: 4 }))}`,
    /^custom_paths\.c\.rx\[0\]\.core: expected a hop on cores that exist.*cores 2\.\.5$/,
  ],
  [
    'a saturating path whose first hop costs nothing',
    custom('{kind: cpu, name: free, core: 0, instances: shared, ring: 4, notify: {kind: poll}, work: []}'),
    /^custom_paths\.c\.rx\[0\]: expected a first hop that takes time when traffic\.load is "saturate".*found hop "free" with no cost$/,
  ],
  [
    'an unknown hop kind',
    custom('{kind: teleport, name: t}'),
    /^custom_paths\.c\.rx\[0\]\.kind: expected a hop with kind wire, delay or cpu/,
  ],
  [
    'a hop name with a path in it',
    custom(hop({ name: '../../etc' })),
    /^custom_paths\.c\.rx\[0\]\.name: expected a hop name of letters, digits/,
  ],
  [
    'a hop costing an unknown cost',
    custom('{kind: delay, name: d, ns: [dma_nss]}'),
    /^custom_paths\.c\.rx\[0\]\.ns\[0\]: expected a non-negative number or a cost name, found "dma_nss"$/,
  ],
  // Studies.
  [
    'an unknown sweep field',
    'sweep: {traffic.lod: [1 Gbit/s]}\n',
    /^sweep\.traffic\.lod: expected a scenario field path such as traffic\.load_per_vm or vms\.count, found "traffic\.lod"$/,
  ],
  [
    'a sweep key that pollutes prototypes',
    'sweep: {__proto__.x: [1]}\n',
    /^sweep\.__proto__\.x: expected a scenario field path/,
  ],
  [
    'a bad swept value',
    'sweep: {vms.count: [2, 0]}\n',
    /^sweep\.vms\.count: expected number of VMs as a whole number from 1 to 4096, found 0$/,
  ],
  [
    'a swept value with a wrong unit',
    'traffic: {load_per_vm: 1 Gbit/s}\nsweep: {traffic.load_per_vm: [1 Gbit/s, 2 Gbps]}\n',
    /^sweep\.traffic\.load_per_vm: expected a non-negative rate.*found "2 Gbps"$/,
  ],
  [
    'a swept value that breaks a cross-field rule',
    'paths: [vmdq]\nsweep: {vms.count: [4, 20]}\n',
    /^sweep\.vms\.count: expected at most nic\.vmdq_pools = 16 VMs.*found 20$/,
  ],
  [
    'a sweep range that runs backwards',
    'sweep: {vms.count: {from: 8, to: 2, step: 1}}\n',
    /^sweep\.vms\.count\.to: expected a value at least from \(8\), found 2$/,
  ],
  [
    'a sweep range in two units',
    'sweep: {traffic.load: {from: 1 Gbit/s, to: 5 Mpps, step: 1 Gbit/s}}\n',
    /^sweep\.traffic\.load: expected from, to and step in one unit/,
  ],
  [
    'a sweep with a zero step',
    'sweep: {vms.count: {from: 1, to: 8, step: 0}}\n',
    /^sweep\.vms\.count\.step: expected a positive step, found 0$/,
  ],
  [
    'zipped lists of different lengths',
    'sweep_mode: zip\nsweep: {vms.count: [1, 2], seed: [1]}\n',
    /^sweep\.seed: expected 2 values, as many as sweep\.vms\.count/,
  ],
  [
    'a sweep of a million points',
    'sweep: {seed: {from: 1, to: 1000, step: 1}, vms.count: {from: 1, to: 1000, step: 1}}\n',
    /^sweep: expected at most 100000 sweep points.*found 1000000 points \(1000 x 1000\)$/,
  ],
  [
    'a sweep and a search',
    'sweep: {vms.count: [1, 2]}\nsearch: {kind: zero-loss}\n',
    /^search: expected a search or a sweep in one scenario, not both, found both$/,
  ],
  [
    'a capacity search with no objective (every probe would pass)',
    'search: {kind: capacity, vary: vms.count, from: 1, to: 4, slo: {}}\n',
    /^search\.slo: expected at least one objective: p99_latency, loss or cpu, found \{\}$/,
  ],
  [
    'a zero-loss resolution of zero',
    'search: {kind: zero-loss, resolution: 0}\n',
    /^search\.resolution: expected the load resolution, a fraction of line rate from 1e-6 to 0\.5, found 0$/,
  ],
  [
    'a capacity search that runs backwards',
    'traffic: {load_per_vm: 1 Gbit/s}\nsearch: {kind: capacity, vary: vms.count, from: 8, to: 2, slo: {loss: 0}}\n',
    /^search\.to: expected a VM count at least search\.from = 8, found 2$/,
  ],
  [
    'a VM-count search with rate bounds',
    'traffic: {load_per_vm: 1 Gbit/s}\nsearch: {kind: capacity, vary: vms.count, from: 1 Gbit/s, to: 2 Gbit/s, slo: {loss: 0}}\n',
    /^search\.from: expected a VM count \(a whole number\) when search\.vary is vms\.count/,
  ],
  [
    'a rate search with a VM-count bound',
    'search: {kind: capacity, vary: traffic.load_per_vm, from: 1, to: 2 Gbit/s, slo: {loss: 0}}\n',
    /^search\.from: expected a rate such as "1 Gbit\/s" when search\.vary is traffic\.load_per_vm/,
  ],
  [
    'a rate search whose resolution is in packets',
    'search: {kind: capacity, vary: traffic.load_per_vm, from: 1 Gbit/s, to: 5 Gbit/s, resolution: 100 kpps, slo: {loss: 0}}\n',
    /^search\.resolution: expected a bit rate, as search\.from, found/,
  ],
  [
    'a rate search whose resolution is zero',
    'search: {kind: capacity, vary: traffic.load_per_vm, from: 1 Gbit/s, to: 5 Gbit/s, resolution: 0 Gbit/s, slo: {loss: 0}}\n',
    /^search\.resolution: expected a positive rate/,
  ],
  [
    'a rate search from a higher to a lower rate',
    'search: {kind: capacity, vary: traffic.load_per_vm, from: 5 Gbit/s, to: 1 Gbit/s, slo: {loss: 0}}\n',
    /^search\.to: expected a rate at least search\.from/,
  ],
  [
    'a precision target on an unknown column',
    'replications: 2\nprecision: {metric: delivered_gbit, relative_half_width: 0.02}\n',
    /^precision\.metric: expected a numeric output column \(one of: .*found "delivered_gbit"$/,
  ],
  [
    'a precision target with one replication',
    'precision: {metric: delivered_gbps, relative_half_width: 0.02}\n',
    /^replications: expected at least 2 replications to start from when a precision target is set, found 1$/,
  ],
  [
    'a precision cap below the start',
    'replications: 10\nprecision: {metric: delivered_gbps, relative_half_width: 0.02, max_replications: 5}\n',
    /^precision\.max_replications: expected at least replications = 10, found 5$/,
  ],
  // Published references and validation blocks.
  [
    'a check on a path the scenario does not run',
    'paths: [sriov]\nreference: {id: R9, source: s, checks: [{path: vmdq, metric: delivered_gbps, value: 9}]}\n',
    /^reference\.checks\[0\]\.path: expected a path the scenario runs \(sriov\), found "vmdq"$/,
  ],
  [
    'a check on an unknown metric',
    'reference: {id: R9, source: s, checks: [{path: sriov, metric: speed, value: 9}]}\n',
    /^reference\.checks\[0\]\.metric: expected a metric \(one of: /,
  ],
  [
    'a check with both value and range',
    'reference: {id: R9, source: s, checks: [{path: sriov, metric: delivered_gbps, value: 9, range: [1, 2]}]}\n',
    /^reference\.checks\[0\]: expected either value or range, not both/,
  ],
  [
    'a linear claim over a field not swept',
    'reference: {id: R9, source: s, claims: [{kind: linear, path: sriov, metric: cores_used, over: vms.count, slope: 1, text: t}]}\n',
    /^reference\.claims\[0\]\.over: expected a field this scenario sweeps \(none\), found "vms\.count"$/,
  ],
  [
    'a lower-than claim against a missing file',
    'reference: {id: R9, source: s, claims: [{kind: lower-than, path: sriov, metric: cores_used, than: nowhere.yaml, text: t}]}\n',
    /^reference\.claims\[0\]\.than: expected a valid scenario file, relative to this one, found nowhere\.yaml \(.*no such file\)$/,
  ],
  [
    'a validation block on saturating traffic',
    `${custom(hop())}validation: {metric: mean_time_in_system, arrival_rate: 1 Mpps, stations: [{service_mean: 100 ns}]}\n`,
    /^traffic\.load: expected an open-loop load in a validation scenario/,
  ],
  [
    'a validation block with the wrong station count',
    `${validation}${custom(hop({ service: 'exponential' }))}validation: {metric: mean_time_in_system, arrival_rate: 1 Mpps, stations: [{service_mean: 100 ns}, {service_mean: 100 ns}]}\n`,
    /^validation\.stations: expected one station per hop of path "c" \(1\), found "2 stations"$/,
  ],
  [
    'a validation arrival rate in bits',
    `${validation}${custom(hop({ service: 'exponential' }))}validation: {metric: mean_time_in_system, arrival_rate: 1 Gbit/s, stations: [{service_mean: 100 ns}]}\n`,
    /^validation\.arrival_rate: expected a positive packet rate/,
  ],
  // The file itself.
  [
    'malformed YAML',
    'host: [\n  cores: 8\n',
    /^expected well-formed YAML, found a syntax error at line \d+, column \d+: /,
  ],
  [
    'a duplicate key',
    'seed: 1\nseed: 2\n',
    /^expected well-formed YAML, found a syntax error .*Map keys must be unique/,
  ],
  [
    'a YAML alias bomb',
    `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n`,
    /^expected YAML without excessive aliases/,
  ],
  ['an empty file', '', /^expected a scenario \(a mapping of fields\), found an empty file$/],
  ['a list instead of a mapping', '- 1\n- 2\n', /^expected a scenario \(a mapping of fields\), found \[1,2\]$/],
  ['a plain string', 'hello\n', /^expected a scenario \(a mapping of fields\), found "hello"$/],
  // The work budget: refused with the estimate before anything runs.
  [
    'a study far beyond the work budget',
    'duration: 1000 s\n',
    /^expected a study of at most 2\.0e\+10 events .*--max-events.*, found about 3\.0\de\+10 events \(frames x hops x runs\)$/,
  ],
  [
    'a sweep too large to run',
    `sweep: {vms.count: [${Array.from({ length: 8 }, (_, i) => i + 1).join(', ')}], traffic.frame_bytes: [${Array.from({ length: 200 }, (_, i) => 64 + i).join(', ')}]}\nduration: 200 ms\n`,
    /^expected a study of at most 2\.0e\+10 events/,
  ],
  [
    'a window per VM that would not fit in memory',
    'vms: {count: 4096}\nhost: {cores: 1024}\ntraffic: {window: 64 MiB}\npaths: [native]\n',
    /^expected a run that fits in memory: at most 2e\+7 frames alive at once .*, found about 3\.62e\+8 frames on path "native"$/,
  ],
];

const JSON_CASES: [string, string, RegExp][] = [
  ['malformed JSON', '{"host": ', /^expected well-formed JSON, found a syntax error/],
  ['a JSON number where a mapping belongs', '{"traffic": 5}', /^traffic: expected a value of type object, found 5$/],
];

let outs = 0;
const freshOut = (prefix: string) => join(dir, `${prefix}-${outs++}`);

async function expectRefused(file: string, pattern: RegExp, shown = file): Promise<string> {
  const out = freshOut('out');
  const started = Date.now();
  const r = await cli(['run', file, '--out', out]);
  expect(Date.now() - started).toBeLessThan(5000);
  expect(r.code).toBe(2);
  const lines = r.err.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0].startsWith(`iovsim: ${shown}: `)).toBe(true);
  expect(lines[0].slice(`iovsim: ${shown}: `.length)).toMatch(pattern);
  expect(r.err).not.toMatch(/\n\s+at |Error:/);
  expect(r.out).toBe('');
  expect(existsSync(out)).toBe(false);
  const v = await cli(['validate', file]);
  expect(v.code).toBe(2);
  expect(v.err).toBe(r.err);
  return r.err;
}

describe('hostile scenario files: one line naming file and field, exit 2, nothing written; validate says the same', () => {
  CASES.forEach(([what, text, pattern], i) => {
    it(what, async () => {
      await expectRefused(write(`case${i}.yaml`, text), pattern);
    });
  });
  JSON_CASES.forEach(([what, text, pattern], i) => {
    it(what, async () => {
      await expectRefused(write(`case${i}.json`, text), pattern);
    });
  });

  it('a missing file, a directory, a device and a FIFO are refused before reading', async () => {
    await expectRefused(
      join(dir, 'nope.yaml'),
      /^expected a readable scenario file \(\.yaml, \.yml or \.json\), found no such file$/,
    );
    const sub = join(dir, 'adir.yaml');
    mkdirSync(sub);
    await expectRefused(sub, /^expected a readable scenario file .*found a directory$/);
    await expectRefused('/dev/zero', /^expected a regular scenario file .*found a device, FIFO or socket$/);
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    await expectRefused(fifo, /^expected a regular scenario file .*found a device, FIFO or socket$/);
  });

  it('a file over 1 MiB is refused before it is parsed', async () => {
    await expectRefused(
      write('huge.yaml', `# ${'x'.repeat(1024 * 1024)}\n`),
      /^expected a scenario file of at most 1048576 bytes, found \d+ bytes$/,
    );
  });

  it(`covers at least 60 kinds of bad file (${CASES.length + JSON_CASES.length + 5})`, () => {
    expect(CASES.length + JSON_CASES.length + 5).toBeGreaterThanOrEqual(60);
  });
});

describe('hostile command lines: one line, exit 2, nothing written', () => {
  const good = write('good.yaml', 'duration: 5 ms\nwarmup: 1 ms\nvms: {count: 1}\npaths: [sriov]\n');
  const CLI: [string, string[], RegExp][] = [
    [
      "a seed beyond the file's bound",
      ['--seed', '1e20'],
      /--seed: expected a whole number from 0 to 2147483647, found 100000000000000000000$/,
    ],
    ['a fractional seed', ['--seed', '1.5'], /--seed: expected a whole number from 0 to 2147483647, found 1\.5$/],
    [
      'a negative duration',
      ['--duration', '-5 ms'],
      /--duration: expected a positive duration with a unit.*found "-5 ms"$/,
    ],
    [
      'a duration without a unit',
      ['--duration', '50'],
      /--duration: expected a positive duration with a unit.*found "50"$/,
    ],
    [
      'an empty --modes',
      ['--modes', ''],
      /--modes: expected path names separated by commas, such as sriov,vmdq, found ""$/,
    ],
    ['an unknown mode', ['--modes', 'warp'], /--modes: expected a path name \(one of: .*found "warp"$/],
    ['zero jobs', ['--jobs', '0'], /--jobs: expected a whole number from 1 to \d+ \(4 per core\), found 0$/],
    [
      'absurd jobs',
      ['--jobs', '256000'],
      /--jobs: expected a whole number from 1 to \d+ \(4 per core\), found 256000$/,
    ],
    [
      'two formats',
      ['--format', 'csv', '--format', 'json'],
      /--format: expected one of table, csv, json \(once\), found "csv,json"$/,
    ],
    ['an unknown format', ['--format', 'xml'], /Invalid values:|--format/],
    ['an unknown option', ['--sed', '3'], /found unknown option --sed$/],
    ['an unknown dashed option, named once', ['--bogus-flag'], /found unknown option --bogus-flag$/],
    ['a number option given a word', ['--jobs', 'abc'], /--jobs: expected a number, found "abc"$/],
    ['a number option given a word after =', ['--seed=xyz'], /--seed: expected a number, found "xyz"$/],
    [
      'a work budget of zero',
      ['--max-events', '0'],
      /--max-events: expected a number of events from 1 to 1e\+15, found 0$/,
    ],
    ['a work budget that is not a number', ['--max-events', 'lots'], /--max-events: expected a number, found "lots"$/],
  ];
  for (const [what, args, pattern] of CLI) {
    it(what, async () => {
      const out = freshOut('cli');
      const r = await cli(['run', good, '--out', out, ...args]);
      expect(r.code).toBe(2);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err.trimEnd()).toMatch(pattern);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('--max-events lets a study above the default budget through, knowingly', async () => {
    const long = write('long.yaml', 'duration: 1000 s\n');
    expect((await cli(['validate', long])).code).toBe(2);
    const r = await cli(['validate', long, '--max-events', '1e11']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('an --out the system will not let us create is an environment error: exit 3, one line naming it', async () => {
    // /sys is read-only, even to root.
    const r = await cli(['run', good, '--out', '/sys/iovsim-test', '--quiet']);
    expect(r.code).toBe(3);
    expect(r.err.trimEnd()).toMatch(
      /^iovsim: \/sys\/iovsim-test: cannot create the folder: .*\((EPERM|EACCES|EROFS|ENOENT)\)$/,
    );
  });

  it('an --out under /proc is an environment error too, not a hang (a child process, so a hang fails the test)', () => {
    // Node's recursive mkdir loops forever on a path under /proc, deaf to signals.
    const bin = fileURLToPath(new URL('../bin/iovsim.js', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'run', good, '--out', '/proc/iovsim-test/deeper', '--quiet'], {
      encoding: 'utf8',
      timeout: 60_000,
      killSignal: 'SIGKILL',
    });
    expect(r.signal, 'the run hung and was killed').toBeNull();
    expect(r.status).toBe(3);
    expect(r.stderr.trimEnd()).toMatch(/^iovsim: \/proc\/iovsim-test: cannot create the folder: .*\(ENOENT\)$/);
  });

  it('an --out through a dangling symlink is an environment error, not an internal one', async () => {
    const link = join(dir, 'dangling');
    symlinkSync(join(dir, 'nowhere'), link);
    const r = await cli(['run', good, '--out', join(link, 'sub'), '--quiet']);
    expect(r.code).toBe(3);
    expect(r.err.trimEnd()).toMatch(/^iovsim: .*dangling: cannot create the folder: .*\(EEXIST\)$/);
  });

  it('an --out that is a file, or under a file', async () => {
    expect((await cli(['run', good, '--out', good])).err).toMatch(
      /--out: expected a directory for the results .*found the file/,
    );
    const r = await cli(['run', good, '--out', join(good, 'sub')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out: expected a directory for the results .*found a path under the file/);
  });

  it('two scenario files that would write one CSV', async () => {
    mkdirSync(join(dir, 'a'), { recursive: true });
    mkdirSync(join(dir, 'b'), { recursive: true });
    const a = join(dir, 'a', 'x.yaml');
    const b = join(dir, 'b', 'x.yaml');
    writeFileSync(a, 'duration: 5 ms\nwarmup: 1 ms\n');
    writeFileSync(b, 'duration: 5 ms\nwarmup: 1 ms\n');
    const out = join(dir, 'same');
    const r = await cli(['run', a, b, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /x\.yaml: expected scenario files with different names \(each writes <out>\/<name>\.csv\), found .*a\/x\.yaml and .*b\/x\.yaml both writing .*x\.csv/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('report refuses to overwrite one of its input CSVs', async () => {
    const csv = write('in.csv', 'path,delivered_gbps\nsriov,1\n');
    const r = await cli(['report', csv, '-o', csv]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out: expected an HTML file that is not one of the input CSVs/);
    expect(
      readdirSync(dir)
        .filter((f) => f.startsWith('in.'))
        .sort(),
    ).toEqual(['in.csv']);
  });
});
