import { z } from 'zod';
import { CAUSES } from '../model/causes.js';
import { COST_NAMES, COSTS, type CostName } from '../model/costs.js';
import { BUILTIN_PATH_NAMES } from '../model/paths.js';
import { MAX_FRAME, MIN_FRAME } from '../model/config.js';
import { HOST_MODELS, NIC_MODELS } from '../model/catalog.js';
import {
  BIT_RATE_EXPECTED,
  DURATION_EXPECTED,
  FREQUENCY_EXPECTED,
  RATE_EXPECTED,
  parseDurationNs,
  parseFrequencyGhz,
  parseRate,
} from './units.js';

/**
 * The scenario file format, field by field (docs/scenarios.md is its prose twin). Every
 * object is strict: an unknown field is an error, not silently ignored. Error messages
 * passed to zod are phrased as what was expected; the loader adds where and what was found.
 */

const quantity = (expected: string, ok: (t: string) => boolean) =>
  z.string({ error: expected }).refine(ok, { error: expected });

export const duration = quantity(DURATION_EXPECTED, (t) => {
  const v = parseDurationNs(t);
  return v !== undefined && v >= 0;
});
const positiveDuration = quantity(`a positive ${DURATION_EXPECTED.slice(2)}`, (t) => (parseDurationNs(t) ?? 0) > 0);
const frequency = quantity(FREQUENCY_EXPECTED, (t) => (parseFrequencyGhz(t) ?? 0) > 0);
const bitRate = quantity(`a positive ${BIT_RATE_EXPECTED.slice(2)}`, (t) => {
  const r = parseRate(t);
  return r !== undefined && 'bitsPerSec' in r && r.bitsPerSec > 0;
});
/** An offered rate may be zero (a VM that sends nothing), never negative. */
const rate = quantity(`a non-negative ${RATE_EXPECTED.slice(2)}`, (t) => parseRate(t) !== undefined);

const count = (what: string, min = 1, max = 1_000_000) => {
  const expected = `${what} as a whole number from ${min} to ${max}`;
  return z.number({ error: expected }).int({ error: expected }).min(min, { error: expected }).max(max, { error: expected });
};

/** ITR presets of the Linux ixgbe driver (ref §2: 100,000 / 20,000 / 8,000 interrupts/s). */
export const ITR_PRESETS = { off: 0, 'lowest-latency': 100_000, 'low-latency': 20_000, bulk: 8_000 } as const;
const ITR_EXPECTED = `an interrupt throttle rate: one of ${Object.keys(ITR_PRESETS).join(', ')}, or interrupts/s per vector from 956 to 488281 (ixgbe range)`;

const frameBytes = count('frame size in bytes', MIN_FRAME, MAX_FRAME);
const FRAMES_EXPECTED = `a frame size in bytes (${MIN_FRAME}-${MAX_FRAME}), "imix", or a list of {bytes, weight}`;
const frames = z.union(
  [
    frameBytes,
    z.literal('imix'),
    z
      .array(
        z.strictObject({
          bytes: frameBytes,
          weight: z.number({ error: 'a positive weight' }).positive({ error: 'a positive weight' }),
        }),
      )
      .min(1),
  ],
  { error: FRAMES_EXPECTED },
);

const ARRIVALS_EXPECTED = 'arrivals: "constant", "poisson", or {on_off: {on: "<duration>", off: "<duration>"}}';
const arrivals = z.union(
  [
    z.enum(['constant', 'poisson']),
    z.strictObject({ on_off: z.strictObject({ on: positiveDuration, off: positiveDuration }) }),
  ],
  { error: ARRIVALS_EXPECTED },
);

const LOAD_EXPECTED = `"saturate", "line-rate", or ${RATE_EXPECTED}`;
const load = z.union([z.literal('saturate'), z.literal('line-rate'), rate], { error: LOAD_EXPECTED });

const costName = z.enum(COST_NAMES as [CostName, ...CostName[]], {
  error: `a cost name (one of: ${COST_NAMES.join(', ')})`,
});
/** Makes costs a strict object so an unknown name is reported by name. */
const costs = z.strictObject(
  Object.fromEntries(
    COST_NAMES.map((n) => [
      n,
      z
        .number({ error: `a non-negative number of ${COSTS[n].unit}` })
        .min(0, { error: `a non-negative number of ${COSTS[n].unit}` })
        .optional(),
    ]),
  ) as Record<CostName, z.ZodOptional<z.ZodNumber>>,
);

const amount = z.union([z.number().min(0), costName], { error: 'a non-negative number or a cost name' });
const work = z.strictObject({
  cause: z.enum(CAUSES),
  cycles: amount.optional(),
  cycles_per_byte: amount.optional(),
  count: amount.optional(),
});
const ringRef = z.union(
  [z.enum(['nic_rx', 'nic_tx', 'vring', 'switch_buffer', 'socket_buffer']), count('ring descriptors')],
  { error: 'a ring: nic_rx, nic_tx, vring, switch_buffer, socket_buffer, or a number of descriptors' },
);
const hop = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('wire'), name: z.string().min(1), ring: ringRef }),
    z.strictObject({ kind: z.literal('delay'), name: z.string().min(1), ns: z.array(amount) }),
    z.strictObject({
      kind: z.literal('cpu'),
      name: z.string().min(1),
      core: z.union([z.enum(['io', 'io-per-vm', 'vcpu']), count('core index', 0, 1023)], {
        error: 'a core: io, io-per-vm, vcpu, or a core index',
      }),
      instances: z.enum(['shared', 'per-vm']),
      ring: ringRef,
      notify: z.strictObject({
        kind: z.enum(['interrupt', 'kick', 'poll']),
        moderated: z.boolean().optional(),
        producer: z.array(work).optional(),
        consumer: z.array(work).optional(),
      }),
      work: z.array(work),
      service: z
        .union([z.enum(['deterministic', 'exponential', 'uniform']), z.strictObject({ erlang: count('Erlang phases', 1, 1000) })], {
          error: 'a service distribution: deterministic, exponential, uniform, or {erlang: k}',
        })
        .optional(),
      servers: count('servers sharing the ring', 1, 1024).optional(),
    }),
  ],
  { error: 'a hop with kind wire, delay or cpu' },
);

const customPath = z.strictObject({
  base: z.enum(BUILTIN_PATH_NAMES as [string, ...string[]], {
    error: `a built-in path to start from (one of: ${BUILTIN_PATH_NAMES.join(', ')})`,
  }),
  description: z.string().optional(),
  costs: costs.optional(),
  nic_sorting: z.enum(['none', 'rss', 'vmdq', 'vf']).optional(),
  rx: z.array(hop).min(1).optional(),
  tx: z.array(hop).min(1).optional(),
});

const fraction = (what: string) =>
  z.number({ error: `${what} as a fraction from 0 to 1` }).min(0, { error: `${what} as a fraction from 0 to 1` }).max(1, { error: `${what} as a fraction from 0 to 1` });

/** Output columns a published figure can be compared against. */
export const REFERENCE_METRICS = [
  'delivered_gbps',
  'tcp_payload_gbps',
  'delivered_mpps',
  'host_cpu_pct',
  'cores_used',
  'latency_mean_us',
  'latency_p99_us',
] as const;

/** A published result this scenario reproduces: where it comes from and what it says. */
const referenceCheck = z
  .strictObject({
    path: z.string({ error: 'a path name' }),
    metric: z.enum(REFERENCE_METRICS, { error: `a metric (one of: ${REFERENCE_METRICS.join(', ')})` }),
    value: z.number().optional(),
    range: z.tuple([z.number(), z.number()], { error: 'a range [low, high]' }).optional(),
    /** Shown by compare but not counted: why the figure cannot be held to (docs/calibration.md). */
    informational: z.string().optional(),
  })
  .refine((c) => (c.value === undefined) !== (c.range === undefined), { error: 'either value or range, not both' });

const claim = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('lower-than'),
      path: z.string(),
      metric: z.enum(REFERENCE_METRICS),
      /** Another scenario file (relative to this one) whose same path and metric must be higher. */
      than: z.string(),
      text: z.string(),
    }),
    z.strictObject({
      kind: z.literal('linear'),
      path: z.string(),
      metric: z.enum(REFERENCE_METRICS),
      /** The swept field the metric grows along. */
      over: z.string(),
      slope: z.number(),
      tolerance: fraction('the relative tolerance on the slope').default(0.2),
      min_r2: fraction('the lowest R^2 of the straight-line fit').default(0.9),
      text: z.string(),
    }),
    z.strictObject({
      kind: z.literal('ratio'),
      metric: z.enum(REFERENCE_METRICS),
      numerator: z.string({ error: 'the path on top of the ratio' }),
      denominator: z.string({ error: 'the path below' }),
      min: z.number().optional(),
      max: z.number().optional(),
      text: z.string(),
    }),
  ],
  { error: 'a claim with kind lower-than, linear or ratio' },
);

const reference = z.strictObject({
  id: z.string({ error: 'the result\'s id in shared/reference/published-figures.md, e.g. "R2"' }),
  source: z.string({ error: 'the publication the figure comes from' }),
  published: z.string({ error: 'the published result, in words' }).optional(),
  checks: z.array(referenceCheck).default([]),
  claims: z.array(claim).default([]),
});

/** Marks a scenario as a queueing-theory check for `iovsim verify`. */
export const VALIDATION_METRICS = ['mean_time_in_system', 'loss_probability'] as const;
const validation = z.strictObject({
  metric: z.enum(VALIDATION_METRICS, { error: `a metric (one of: ${VALIDATION_METRICS.join(', ')})` }),
  replications: count('replications', 2, 10_000).default(10),
});

export const SWEEP_VALUE_EXPECTED = 'a list of values, or a range {from, to, step} of numbers or of quantities with one unit ("1 Gbit/s")';
const sweepValue = z.union([z.number(), z.string(), z.boolean()], { error: 'a number, a string or a boolean' });
const sweepRange = z.strictObject({ from: sweepValue, to: sweepValue, step: sweepValue });
const sweep = z.record(z.string(), z.union([z.array(sweepValue).min(1), sweepRange], { error: SWEEP_VALUE_EXPECTED }));

const precision = z.strictObject({
  metric: z.string({ error: 'an output column, e.g. delivered_gbps' }),
  relative_half_width: z.number({ error: 'a fraction of the mean, e.g. 0.02' }).positive({ error: 'a fraction of the mean, e.g. 0.02' }),
  max_replications: count('replications at most', 2, 10_000).default(50),
});

const search = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('zero-loss'),
      loss: fraction('the highest acceptable loss').default(0),
      frame_sizes: z.array(frameBytes).min(1).optional(),
      resolution: fraction('the load resolution, a fraction of line rate').default(0.005),
    }),
    z.strictObject({
      kind: z.literal('capacity'),
      vary: z.enum(['vms.count', 'traffic.load_per_vm'], { error: 'what to grow: vms.count or traffic.load_per_vm' }),
      from: z.union([count('VMs', 1, 4096), rate], { error: 'where to start: a VM count or a rate' }),
      to: z.union([count('VMs', 1, 4096), rate], { error: 'where to stop: a VM count or a rate' }),
      resolution: rate.optional(),
      slo: z.strictObject({
        p99_latency: positiveDuration.optional(),
        loss: fraction('the highest acceptable loss').optional(),
        cpu: fraction('the highest share of the host\'s cores').optional(),
      }),
    }),
  ],
  { error: 'a search with kind zero-loss or capacity' },
);

export const scenarioSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  seed: count('seed', 0, 2 ** 31 - 1).default(1),
  duration: positiveDuration.default('100 ms'),
  warmup: z.union([z.literal('auto'), duration], { error: `"auto" (MSER-5) or ${DURATION_EXPECTED}` }).default('10 ms'),
  host: z
    .preprocess(
      (v) => (typeof v === 'string' ? { model: v } : v),
      z.strictObject({
        model: z.enum(HOST_MODELS, { error: `a host in the catalog (one of: ${HOST_MODELS.join(', ')})` }).default('generic'),
        cores: count('number of cores', 1, 1024).optional(),
        clock: frequency.optional(),
        hypervisor_cores: count('number of hypervisor I/O cores', 1, 1024).default(1),
        vcpu_cores: z
          .union([z.literal('auto'), z.array(count('core index', 0, 1023)).min(1)], {
            error: '"auto" or a list of core indexes',
          })
          .default('auto'),
        vring: count('virtio ring descriptors', 1, 65536).default(256),
        napi_budget: count('NAPI budget (packets per poll turn)', 1, 65536).default(64),
      }, { error: `a host: a catalog name (${HOST_MODELS.join(', ')}) or a mapping of fields` }),
    )
    .prefault({}),
  nic: z
    .preprocess(
      (v) => (typeof v === 'string' ? { model: v } : v),
      z.strictObject({
        model: z.enum(NIC_MODELS, { error: `a NIC in the catalog (one of: ${NIC_MODELS.join(', ')})` }).default('generic'),
        line_rate: bitRate.optional(),
        rx_ring: count('receive ring descriptors', 1, 65536).default(512),
        tx_ring: count('transmit ring descriptors', 1, 65536).default(512),
        vmdq_pools: count('VMDq pools', 0, 4096).optional(),
        vfs: count('SR-IOV virtual functions', 0, 4096).optional(),
        itr: z
          .union([z.enum(Object.keys(ITR_PRESETS) as [keyof typeof ITR_PRESETS]), z.number({ error: ITR_EXPECTED }).int({ error: ITR_EXPECTED }).min(956, { error: ITR_EXPECTED }).max(488_281, { error: ITR_EXPECTED })], {
            error: ITR_EXPECTED,
          })
          .default('bulk'),
        switch_buffer: count('upstream switch buffer (frames)', 1, 10_000_000).default(1024),
      }, { error: `a NIC: a catalog name (${NIC_MODELS.join(', ')}) or a mapping of fields` }),
    )
    .prefault({}),
  vms: z.strictObject({ count: count('number of VMs', 1, 4096).default(4) }).prefault({}),
  traffic: z
    .strictObject({
      direction: z.enum(['rx', 'tx'], { error: 'rx (wire to guest) or tx (guest to wire)' }).default('rx'),
      load: load.optional(),
      load_per_vm: rate.optional(),
      arrivals: arrivals.default('poisson'),
      frame_bytes: frames.default(1518),
      window: count('packets in flight per VM', 1, 1_000_000).default(64),
      socket_buffer: count('socket buffer (packets)', 1, 10_000_000).default(1024),
      tso_segment_bytes: count('TCP payload bytes per TSO segment', 1, 262_144).optional(),
    })
    .prefault({}),
  per_vm: z
    .array(
      z.strictObject({
        vm: count('VM index', 0, 4095),
        rate: rate.optional(),
        frame_bytes: frames.optional(),
        arrivals: arrivals.optional(),
      }),
    )
    .default([]),
  paths: z.array(z.string({ error: 'a path name' })).min(1).optional(),
  costs: costs.default({}),
  custom_paths: z.record(z.string(), customPath).default({}),
  reference: reference.optional(),
  validation: validation.optional(),
  sweep: sweep.optional(),
  sweep_mode: z.enum(['cartesian', 'zip'], { error: 'cartesian (every combination) or zip (values paired in order)' }).default('cartesian'),
  replications: count('replications per point', 1, 10_000).default(1),
  precision: precision.optional(),
  search: search.optional(),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioFile = z.output<typeof scenarioSchema>;
export type FramesInput = z.output<typeof frames>;
export type ArrivalsInput = z.output<typeof arrivals>;
