import { z } from 'zod';
import { COMPARABLE_METRICS, PRECISION_METRICS } from '../metrics/metrics.js';
import {
  HOST_CATALOG,
  HOST_MODELS,
  ITR_PRESETS,
  ITR_RANGE,
  NIC_CATALOG,
  NIC_MODELS,
  type HostModelName,
  type NicModelName,
} from '../model/catalog.js';
import { CAUSES } from '../model/causes.js';
import { PACKET_KINDS } from '../model/packets.js';
import { MAX_FRAME, MIN_FRAME } from '../model/config.js';
import { COST_NAMES, COSTS, type CostName } from '../model/costs.js';
import type { HopSpec, NicSorting, WorkSpec } from '../model/path-spec.js';
import { BUILTIN_PATH_NAMES, DEFAULT_PATH_NAMES } from '../model/paths.js';
import { CPU_PLATFORM_NAMES } from '../model/platforms.js';
import {
  BIT_RATE,
  BIT_RATE_EXPECTED,
  BYTES,
  TRANSACTION_RATE,
  expectedText,
  unitOf,
  DURATION,
  DURATION_EXPECTED,
  FREQUENCY,
  FREQUENCY_EXPECTED,
  PACKET_RATE,
  RATE_EXPECTED,
  parseQuantity,
  parseRate,
  quantityPattern,
  type QuantityKind,
  type Rate,
} from './units.js';

/**
 * The scenario file format, declared once: every field with its type, range, default and
 * help text. The field reference in docs/scenarios.md and the JSON Schema for editors are
 * generated from it (scenario/reference.ts). Every object is strict: an unknown field is an
 * error, not silently ignored. Error messages given to zod are phrased as what was expected;
 * the loader adds where, and what was found. Quantities with units come out in the model's
 * base units (ns, bit/s, pps, GHz), so nothing downstream parses text again.
 */

/** Attaches a field's help text (its description in the JSON Schema and the docs). */
const help = <T extends z.ZodType>(schema: T, text: string, type?: string): T =>
  schema.meta({ description: text, ...(type ? { 'x-type': type } : {}) });

const within = (kind: QuantityKind, v: number) => v <= kind.max;

/** A quantity of one kind, converted to its base unit, with its bounds checked. */
function quantity(kind: QuantityKind, expected: string, ok: (v: number) => boolean, typeText: string) {
  return z
    .string({ error: expected })
    .regex(quantityPattern(kind), { error: expected })
    .transform((t) => parseQuantity(t, kind)!)
    .refine((v) => ok(v) && within(kind, v), { error: `${expected}, at most ${kind.maxText}` })
    .meta({
      'x-type': typeText,
      'x-unit': kind.base,
      'x-max': kind.maxText,
      // What an editor shows when the text does not match (VS Code, yaml-language-server).
      patternErrorMessage: `${expected}, at most ${kind.maxText}`,
    });
}

export const duration = quantity(DURATION, DURATION_EXPECTED, (v) => v >= 0, 'duration >= 0');
const POSITIVE_DURATION = `a positive ${DURATION_EXPECTED.slice(2)}`;
const positiveDuration = quantity(DURATION, POSITIVE_DURATION, (v) => v > 0, 'duration > 0');
const frequency = quantity(FREQUENCY, FREQUENCY_EXPECTED, (v) => v > 0, 'frequency > 0');
const POSITIVE_BIT_RATE = `a positive ${BIT_RATE_EXPECTED.slice(2)}`;
const bitRate = quantity(BIT_RATE, POSITIVE_BIT_RATE, (v) => v > 0, 'bit rate > 0');
const size = (min: number, max: number) => {
  const expected = `${expectedText([BYTES])} from ${min} B to ${max} B`;
  return quantity(BYTES, expected, (v) => v >= min && v <= max && Number.isInteger(v), `size ${min} B..${max} B`);
};
const requestRate = quantity(
  TRANSACTION_RATE,
  `a positive ${expectedText([TRANSACTION_RATE]).slice(2)}`,
  (v) => v > 0,
  'request rate > 0',
);

const RATE_PATTERN = quantityPattern(BIT_RATE, PACKET_RATE);
const NON_NEGATIVE_RATE = `a non-negative ${RATE_EXPECTED.slice(2)}`;
/** An offered rate, of bits or of packets. It may be zero (a VM that sends nothing), never negative. */
const rate = z
  .string({ error: NON_NEGATIVE_RATE })
  .regex(RATE_PATTERN, { error: NON_NEGATIVE_RATE })
  .transform((t): Rate => parseRate(t)!)
  .refine((r) => ('bitsPerSec' in r ? r.bitsPerSec <= BIT_RATE.max : r.packetsPerSec <= PACKET_RATE.max), {
    error: `${NON_NEGATIVE_RATE}, at most ${BIT_RATE.maxText} or ${PACKET_RATE.maxText}`,
  })
  .meta({
    'x-type': 'rate (bit or packet)',
    'x-unit': 'bit/s or pps',
    'x-max': `${BIT_RATE.maxText} or ${PACKET_RATE.maxText}`,
    patternErrorMessage: NON_NEGATIVE_RATE,
  });

const count = (what: string, min = 1, max = 1_000_000) => {
  const expected = `${what} as a whole number from ${min} to ${max}`;
  return z
    .number({ error: expected })
    .int({ error: expected })
    .min(min, { error: expected })
    .max(max, { error: expected });
};

/** Adaptive moderation as the ixgbe driver does it: its current algorithm ([I4]) and its early three-class one ([I3]). */
export const ITR_ADAPTIVE = { adaptive: 'ixgbe-current', 'adaptive-classes': 'ixgbe-classes' } as const;
const ITR_CHOICES = [...Object.keys(ITR_PRESETS), ...Object.keys(ITR_ADAPTIVE)];
const ITR_EXPECTED = `an interrupt throttle rate: one of ${ITR_CHOICES.join(', ')}, or interrupts/s per vector from ${ITR_RANGE.min} to ${ITR_RANGE.max} (ixgbe range)`;

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
          weight: z
            .number({ error: 'a positive weight' })
            .positive({ error: 'a positive weight' })
            .max(1e9, { error: 'a positive weight, at most 1e9' }),
        }),
      )
      .min(1)
      .max(1000),
  ],
  { error: FRAMES_EXPECTED },
);

const ARRIVALS_EXPECTED = 'arrivals: "constant", "poisson", or {on_off: {on: "<duration>", off: "<duration>"}}';
const arrivals = z.union(
  [
    z.enum(['constant', 'poisson']),
    z.strictObject({
      on_off: z.strictObject({
        on: help(positiveDuration, 'mean length of an on period'),
        off: help(positiveDuration, 'mean length of an off period'),
      }),
    }),
  ],
  { error: ARRIVALS_EXPECTED },
);

const LOAD_EXPECTED = `"saturate", "line-rate", or ${RATE_EXPECTED}`;
const load = z.union([z.literal('saturate'), z.literal('line-rate'), rate], { error: LOAD_EXPECTED });

/** Largest cost a scenario may set: far beyond any real per-packet cost, and small enough that time stays finite. */
const MAX_COST = 1e9;
const costName = z.enum(COST_NAMES as [CostName, ...CostName[]], {
  error: `a cost name (one of: ${COST_NAMES.join(', ')})`,
});
/** Strict, so an unknown cost name is reported by name; each entry declared from the cost table. */
const costs = z.strictObject(
  Object.fromEntries(
    COST_NAMES.map((n) => {
      const expected = `a non-negative number of ${COSTS[n].unit}`;
      return [
        n,
        help(
          z
            .number({ error: expected })
            .min(0, { error: expected })
            .max(MAX_COST, { error: `${expected}, at most ${MAX_COST}` })
            .optional(),
          `${COSTS[n].help} (default ${COSTS[n].default} ${COSTS[n].unit})`,
        ),
      ];
    }),
  ) as Record<CostName, z.ZodOptional<z.ZodNumber>>,
);

const amount = z.union([z.number().min(0).max(MAX_COST), costName], { error: 'a non-negative number or a cost name' });
const packetKinds = z
  .array(z.enum(PACKET_KINDS, { error: `a packet kind (one of: ${PACKET_KINDS.join(', ')})` }))
  .min(1)
  .max(PACKET_KINDS.length);
const work = z.strictObject({
  cause: z.enum(CAUSES),
  cycles: amount.optional(),
  cycles_per_byte: amount.optional(),
  count: amount.optional(),
  kinds: packetKinds.optional(),
  per_descriptor: z.boolean().optional(),
  unless_posted: z.boolean().optional(),
}) satisfies z.ZodType<WorkSpec>;
const ringRef = z.union(
  [z.enum(['nic_rx', 'nic_tx', 'vring', 'switch_buffer', 'socket_buffer']), count('ring descriptors')],
  {
    error: 'a ring: nic_rx, nic_tx, vring, switch_buffer, socket_buffer, or a number of descriptors',
  },
);
const hopName = z
  .string({ error: 'a hop name' })
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, { error: 'a hop name of letters, digits, "_", "-" and "."' });
const notifySpec = z.strictObject({
  kind: z.enum(['interrupt', 'kick', 'poll']),
  moderated: z.boolean().optional(),
  posted: z.boolean().optional(),
  producer: z.array(work).max(100).optional(),
  consumer: z.array(work).max(100).optional(),
});
const serviceSpec = z.union(
  [z.enum(['deterministic', 'exponential', 'uniform']), z.strictObject({ erlang: count('Erlang phases', 1, 1000) })],
  { error: 'a service distribution: deterministic, exponential, uniform, or {erlang: k}' },
);
const hop = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('wire'), name: hopName, ring: ringRef }),
    z.strictObject({ kind: z.literal('delay'), name: hopName, ns: z.array(amount).max(100) }),
    z.strictObject({
      kind: z.literal('cpu'),
      name: hopName,
      core: z.union([z.enum(['io', 'io-per-vm', 'vcpu']), count('core index', 0, 1023)], {
        error: 'a core: io, io-per-vm, vcpu, or a core index',
      }),
      instances: z.enum(['shared', 'per-vm']),
      ring: ringRef,
      notify: notifySpec,
      work: z.array(work).max(100),
      service: serviceSpec.optional(),
      servers: count('servers sharing the ring', 1, 1024).optional(),
      context: z.enum(['softirq', 'process']).optional(),
      carries: packetKinds.optional(),
      aggregate: z
        .array(z.enum(['lro', 'gro']))
        .max(2)
        .optional(),
      copies: amount.optional(),
      checksum: z.enum(['always', 'without_offload']).optional(),
      busy_poll: z.boolean().optional(),
    }),
  ],
  { error: 'a hop with kind wire, delay or cpu' },
) satisfies z.ZodType<HopSpec>;

const NIC_SORTINGS = ['none', 'rss', 'vmdq', 'vf'] as const satisfies readonly NicSorting[];

/** Changes to one named hop of a path: any of its fields, the rest kept. */
const hopPatch = z.strictObject({
  core: z
    .union([z.enum(['io', 'io-per-vm', 'vcpu']), count('core index', 0, 1023)], {
      error: 'a core: io, io-per-vm, vcpu, or a core index',
    })
    .optional(),
  instances: z.enum(['shared', 'per-vm']).optional(),
  ring: ringRef.optional(),
  notify: notifySpec.optional(),
  work: z.array(work).max(100).optional(),
  service: serviceSpec.optional(),
  servers: count('servers sharing the ring', 1, 1024).optional(),
  context: z.enum(['softirq', 'process']).optional(),
  carries: packetKinds.optional(),
  aggregate: z
    .array(z.enum(['lro', 'gro']))
    .max(2)
    .optional(),
  copies: amount.optional(),
  checksum: z.enum(['always', 'without_offload']).optional(),
  busy_poll: z.boolean().optional(),
  ns: z.array(amount).max(100).optional(),
});
const hopPatches = z.record(hopName, hopPatch);

/** A path in a file of its own, for teams to share: what a built-in path is, as data. */
export const pathFileSchema = z.strictObject({
  $schema: z.string().optional(),
  description: help(z.string().max(1000), 'what the path is'),
  nic_sorting: help(z.enum(NIC_SORTINGS), 'NIC resource needed per VM (none, rss, vmdq, vf)'),
  rx: help(z.array(hop).min(1).max(64), 'receive hops, in order', 'list of hops (see "Hops")'),
  tx: help(z.array(hop).min(1).max(64), 'transmit hops, in order', 'list of hops (see "Hops")'),
  costs: help(
    costs.optional(),
    "cost overrides the path brings (a scenario's own `costs` and the custom path's win)",
    'map cost name -> number >= 0',
  ),
});
export type PathFile = z.output<typeof pathFileSchema>;

const customPath = z
  .strictObject({
    base: help(
      z
        .enum(BUILTIN_PATH_NAMES, { error: `a built-in path to start from (one of: ${BUILTIN_PATH_NAMES.join(', ')})` })
        .optional(),
      'the built-in path to start from (or give `file`)',
    ),
    file: help(
      z.string().min(1).max(1000).optional(),
      'a path file to start from (YAML or JSON, relative to the scenario; `scenarios/paths/` has an example): description, nic_sorting, rx, tx and optional costs',
    ),
    description: help(z.string().max(1000).optional(), 'what the variant is; default "<base>, modified"'),
    costs: help(
      costs.optional(),
      "cost overrides for this path only, applied on top of the scenario's `costs`",
      'map cost name -> number >= 0',
    ),
    nic_sorting: help(
      z.enum(NIC_SORTINGS).optional(),
      "NIC resource needed per VM: `vmdq` is checked against `nic.vmdq_pools`, `vf` against `nic.vfs`; anything but `none` makes the transmit wire's `nic_tx` queue `tx_ring` x VMs deep. Default: the base's",
    ),
    rx: help(
      z.array(hop).min(1).max(64).optional(),
      "replaces the whole receive hop list (default: the base's)",
      'list of hops (see "Hops")',
    ),
    tx: help(
      z.array(hop).min(1).max(64).optional(),
      "replaces the whole transmit hop list (default: the base's)",
      'list of hops (see "Hops")',
    ),
    patch: help(
      z.strictObject({ rx: hopPatches.optional(), tx: hopPatches.optional() }).optional(),
      'changes to single hops, by direction and hop name: `{rx: {guest: {notify: ...}}}`; the hop keeps every field not given',
      '{rx?, tx?}: hop name -> fields',
    ),
  })
  .refine((c) => (c.base === undefined) !== (c.file === undefined), {
    error: 'either base (a built-in path) or file (a path file), not both',
  });

const fraction = (what: string) => {
  const expected = `${what} as a fraction from 0 to 1`;
  return z.number({ error: expected }).min(0, { error: expected }).max(1, { error: expected });
};

const metricName = z.enum(COMPARABLE_METRICS as [string, ...string[]], {
  error: `a metric (one of: ${COMPARABLE_METRICS.join(', ')})`,
});

/** A published figure this scenario reproduces. */
const referenceCheck = z
  .strictObject({
    path: help(z.string({ error: 'a path name' }), 'the path whose result is compared (one the scenario runs)'),
    metric: help(metricName, 'the output column compared'),
    value: help(
      z.number().optional(),
      'the published value; passes within the metric\'s tolerance (see "Output columns")',
    ),
    range: help(
      z.tuple([z.number(), z.number()], { error: 'a range [low, high]' }).optional(),
      'the published range [low, high]; passes inside it',
      '[low, high]',
    ),
    informational: help(
      z.string().optional(),
      'shown by compare but not counted, with this reason (docs/calibration.md)',
    ),
  })
  .refine((c) => (c.value === undefined) !== (c.range === undefined), { error: 'either value or range, not both' });

const claim = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('lower-than'),
      path: help(z.string(), 'the path compared'),
      metric: help(metricName, 'the output column compared'),
      than: help(z.string(), 'another scenario file (relative to this one) whose same path and metric must be higher'),
      text: help(z.string(), 'the claim in words'),
    }),
    z.strictObject({
      kind: z.literal('linear'),
      path: help(z.string(), 'the path whose metric is fitted'),
      metric: help(metricName, 'the output column fitted'),
      over: help(z.string(), 'the swept field the metric grows along'),
      slope: help(z.number(), "the published slope, in the metric's unit per unit of `over`"),
      tolerance: help(fraction('the relative tolerance on the slope').default(0.2), 'relative tolerance on the slope'),
      min_r2: help(
        fraction('the lowest R^2 of the straight-line fit').default(0.9),
        'lowest R^2 of the least-squares line',
      ),
      text: help(z.string(), 'the claim in words'),
    }),
    z.strictObject({
      kind: z.literal('ratio'),
      metric: help(metricName, 'the output column whose ratio is taken'),
      numerator: help(z.string({ error: 'the path on top of the ratio' }), 'the path on top'),
      denominator: help(z.string({ error: 'the path below' }), 'the path below'),
      value: help(z.number().positive().optional(), "the published ratio; holds within the metric's compare tolerance"),
      min: help(z.number().optional(), 'lowest ratio that holds (a bound the source states)'),
      max: help(z.number().optional(), 'highest ratio that holds (a bound the source states)'),
      text: help(z.string(), 'the claim in words'),
    }),
  ],
  { error: 'a claim with kind lower-than, linear or ratio' },
);

const reference = z.strictObject({
  id: help(
    z.string({ error: 'the result\'s id in docs/references.md, e.g. "R2"' }),
    'the result\'s id in docs/references.md, e.g. `"R2"`',
  ),
  source: help(z.string({ error: 'the publication the figure comes from' }), 'the publication'),
  published: help(z.string({ error: 'the published result, in words' }).optional(), 'the published result, in words'),
  checks: help(
    z.array(referenceCheck).default([]),
    'figures to compare: `{path, metric, value | range: [low, high], informational?}`; see "Reference checks and claims"',
  ),
  claims: help(
    z.array(claim).default([]),
    'claims to check: `lower-than`, `linear` or `ratio`; see "Reference checks and claims"',
    'list of claims',
  ),
});

/** Marks a scenario as a queueing-theory check for `iovsim verify`. */
export const VALIDATION_METRICS = ['mean_time_in_system', 'loss_probability'] as const;
const PACKET_RATE_EXPECTED = `a positive ${PACKET_RATE.noun.slice(2)} with a unit, such as ${PACKET_RATE.example} (units: ${Object.keys(PACKET_RATE.units).join(', ')})`;
const serviceDistribution = z.union(
  [z.enum(['deterministic', 'exponential', 'uniform']), z.strictObject({ erlang: count('Erlang phases', 1, 1000) })],
  {
    error: 'a service distribution: deterministic, exponential, uniform, or {erlang: k}',
  },
);
/**
 * A station of the queueing model, as declared: its numbers are what the theory uses, so
 * `verify` does not take them from the simulator's own cost code.
 */
const station = z.strictObject({
  service_mean: help(positiveDuration, 'mean service time of one packet'),
  distribution: help(
    serviceDistribution.default('exponential'),
    "service time distribution around its mean (as a cpu hop's `service`)",
    "as a hop's service",
  ),
  servers: help(count('servers', 1, 1024).default(1), 'servers sharing the queue (c)'),
  capacity: help(
    count('packets the station holds, the one in service included (K)', 1, 1_000_000).optional(),
    'K of M/M/1/K; none: unbounded',
  ),
});
const validation = z.strictObject({
  metric: help(
    z.enum(VALIDATION_METRICS, { error: `a metric (one of: ${VALIDATION_METRICS.join(', ')})` }),
    'what is compared with the closed form: the mean time in system (us), or the loss probability',
  ),
  arrival_rate: help(
    quantity(PACKET_RATE, PACKET_RATE_EXPECTED, (v) => v > 0, 'packet rate > 0'),
    'the Poisson arrival rate the theory assumes (lambda), all VMs together',
  ),
  stations: help(
    z.array(station).min(1).max(16),
    'the stations in order, as the theory sees them (a tandem when more than one)',
  ),
  replications: help(
    count('replications', 2, 10_000).default(10),
    'independent replications; replication i runs with a seed derived from `seed` and i',
  ),
});

export const SWEEP_VALUE_EXPECTED =
  'a list of values, or a range {from, to, step} of numbers or of quantities with one unit ("1 Gbit/s")';
const sweepValue = z.union([z.number(), z.string(), z.boolean()], { error: 'a number, a string or a boolean' });
const sweepRange = z.strictObject({ from: sweepValue, to: sweepValue, step: sweepValue });
const sweep = z.record(
  z.string(),
  z.union([z.array(sweepValue).min(1).max(100_000), sweepRange], { error: SWEEP_VALUE_EXPECTED }),
);

const precision = z.strictObject({
  metric: help(
    z.enum(PRECISION_METRICS as [string, ...string[]], {
      error: `a numeric output column (one of: ${PRECISION_METRICS.join(', ')})`,
    }),
    'the output column whose interval must be narrow enough',
  ),
  relative_half_width: help(
    z
      .number({ error: 'a fraction of the mean, e.g. 0.02' })
      .positive({ error: 'a fraction of the mean, e.g. 0.02' })
      .max(1, { error: 'a fraction of the mean, e.g. 0.02' }),
    'largest 95 % half-width accepted, as a fraction of the mean',
  ),
  max_replications: help(count('replications at most', 2, 10_000).default(50), 'stop adding replications here'),
});

/** The fields a capacity search can grow. */
export const CAPACITY_FIELDS = ['vms.count', 'traffic.load_per_vm', 'traffic.request_response.rate_per_vm'] as const;
export interface RequestRate {
  requestsPerSec: number;
  unit: string;
}

/** A request rate that keeps its unit, for showing a capacity in it. */
const REQUEST_RATE_EXPECTED = `a positive ${expectedText([TRANSACTION_RATE]).slice(2)}`;
const taggedRequestRate = z
  .string({ error: REQUEST_RATE_EXPECTED })
  .regex(quantityPattern(TRANSACTION_RATE), { error: REQUEST_RATE_EXPECTED })
  .transform((t): RequestRate => ({
    requestsPerSec: parseQuantity(t, TRANSACTION_RATE)!,
    unit: unitOf(t, TRANSACTION_RATE)!,
  }))
  .refine((r) => r.requestsPerSec > 0 && r.requestsPerSec <= TRANSACTION_RATE.max, { error: REQUEST_RATE_EXPECTED });
const capacityBound = z.union([count('VMs', 1, 4096), rate, taggedRequestRate], {
  error: 'a VM count, a rate such as "1 Gbit/s", or a request rate such as "20 kreq/s"',
});
const search = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: help(
        z.literal('zero-loss'),
        'RFC 2544: the largest load with loss at most `loss`, per frame size and path',
      ),
      loss: help(fraction('the highest acceptable loss').default(0), 'highest acceptable loss (fraction of frames)'),
      frame_sizes: help(
        z.array(frameBytes).min(1).max(1000).optional(),
        "frame sizes to search, one row each (default: the scenario's mean frame)",
      ),
      resolution: help(
        z
          .number({ error: 'the load resolution, a fraction of line rate from 1e-6 to 0.5' })
          .min(1e-6, { error: 'the load resolution, a fraction of line rate from 1e-6 to 0.5' })
          .max(0.5, { error: 'the load resolution, a fraction of line rate from 1e-6 to 0.5' })
          .default(0.005),
        'stop when the passing and failing loads are this close (fraction of line rate)',
      ),
    }),
    z.strictObject({
      kind: help(z.literal('capacity'), 'the largest VM count or per-VM load that meets every SLO, per path'),
      vary: help(
        z.enum(CAPACITY_FIELDS, { error: `what to grow: ${CAPACITY_FIELDS.join(', ')}` }),
        'the field to grow: the VM count, the per-VM load, or (request/response, open loop) the per-VM request rate',
      ),
      from: help(capacityBound, 'where to start: a VM count, or a rate in the unit of the answer'),
      to: help(capacityBound, 'where to stop (at least `from`)'),
      resolution: help(
        rate.optional(),
        'for a rate: stop when passing and failing loads are this close (default: 1/100 of the range)',
      ),
      slo: help(
        z
          .strictObject({
            p99_latency: help(positiveDuration.optional(), 'highest acceptable p99 latency'),
            loss: help(
              fraction('the highest acceptable loss').optional(),
              'highest acceptable loss (fraction of frames)',
            ),
            cpu: help(
              fraction("the highest share of the host's cores").optional(),
              "highest acceptable share of the host's cores busy",
            ),
          })
          // Without one, every probe passes and the answer is only the end of the range.
          .refine((o) => Object.values(o).some((v) => v !== undefined), {
            error: 'at least one objective: p99_latency, loss or cpu',
          })
          // The same, for editors that read the JSON Schema.
          .meta({ minProperties: 1 }),
        'the service-level objectives every probe must meet (at least one)',
      ),
    }),
  ],
  { error: 'a search with kind zero-loss or capacity' },
);

const hostFields = z.strictObject(
  {
    model: help(
      z.enum(HOST_MODELS, { error: `a host in the catalog (one of: ${HOST_MODELS.join(', ')})` }).default('generic'),
      'catalog entry whose values the other fields override',
    ),
    cpu: help(
      z.enum(CPU_PLATFORM_NAMES, { error: `a CPU platform (one of: ${CPU_PLATFORM_NAMES.join(', ')})` }).optional(),
      "the CPU generation (docs/platforms.md): it sets the clock, the cores, and the costs that differ between generations (exits, copies, interrupts); explicit `costs` still win. None: iovsim's default platform, a 2009-2010 two-socket server core",
    ),
    cores: help(
      count('number of cores', 1, 1024).optional(),
      "CPU cores on the host (default: the platform's, else the catalog's)",
    ),
    clock: help(
      frequency.optional(),
      "clock of every core; cycles become time at this rate (default: the platform's, else the catalog's)",
    ),
    hypervisor_cores: help(
      z
        .union([z.literal('auto'), count('number of hypervisor I/O cores', 1, 1024)], {
          error: '"auto" or a number of hypervisor I/O cores from 1 to 1024',
        })
        .default('auto'),
      "cores 0..n-1 carry the hypervisor's per-VM I/O work (`io-per-vm` hops: VM i on core i mod n); `io` hops always use core 0. At most `cores`. `auto`: the cores the VMs leave free (cores - VMs, at least 1), as a hypervisor schedules its I/O threads on idle cores",
      '"auto" or int 1..1024',
    ),
    vcpu_cores: help(
      z
        .union(
          [
            z.literal('auto'),
            z
              .array(count('core index', 0, 1023))
              .min(1)
              .max(4096),
          ],
          { error: '"auto" or a list of core indexes' },
        )
        .default('auto'),
      'where the vCPUs run: VM i on `vcpu_cores[i mod length]`, each below `cores`. `auto` lists cores `hypervisor_cores`..`cores-1` first, then `0`..`hypervisor_cores-1`, so VMs share the I/O cores only when there are more VMs than free cores',
      '"auto" or list of core indexes',
    ),
    vring: help(
      count('virtio ring descriptors', 1, 65536).default(256),
      'descriptors in each paravirtual (virtio) ring',
    ),
    napi_budget: help(
      count('NAPI budget (packets per poll turn)', 1, 65536).default(64),
      "packets a ring consumer may take in a row before it goes to the back of its core's queue ([L1])",
    ),
    posted_interrupts: help(
      z.boolean({ error: 'true or false' }).optional(),
      "the CPU and hypervisor deliver interrupts to a running vCPU without exits (APICv/AVIC posted interrupts); applies to notifications marked `posted` (default: what `cpu`'s platform has, as KVM enables it where the CPU does; false without a platform)",
    ),
    gro: help(
      z.boolean({ error: 'true or false' }).default(false),
      'generic receive offload in the kernels (hypervisor, guests, native): a NAPI poll merges consecutive frames of a flow (hops marked `aggregate: [gro]`)',
    ),
    gro_max: help(size(1518, 262_144).prefault('64 KiB'), 'largest GRO aggregate'),
  },
  { error: `a host: a catalog name (${HOST_MODELS.join(', ')}) or a mapping of fields` },
);

const nicFields = z.strictObject(
  {
    model: help(
      z.enum(NIC_MODELS, { error: `a NIC in the catalog (one of: ${NIC_MODELS.join(', ')})` }).default('generic'),
      'catalog entry whose values the other fields override',
    ),
    line_rate: help(
      bitRate.optional(),
      "link speed; a frame occupies the wire for (bytes + 20) x 8 / line_rate (default: the catalog's)",
    ),
    rx_ring: help(count('receive ring descriptors', 1, 65536).default(512), 'descriptors in each NIC receive ring'),
    tx_ring: help(
      count('transmit ring descriptors', 1, 65536).default(512),
      'descriptors in a NIC transmit ring: the queue in front of the transmit wire. For paths whose NIC has queues per VM (`nic_sorting` other than `none`) that queue holds `tx_ring` x VMs frames',
    ),
    vmdq_pools: help(
      count('VMDq pools', 0, 4096).optional(),
      "VMDq pools; the `vmdq` path needs one per VM (default: the catalog's)",
    ),
    vfs: help(
      count('SR-IOV virtual functions', 0, 4096).optional(),
      "SR-IOV virtual functions; the `sriov` path needs one per VM (default: the catalog's)",
    ),
    itr: help(
      z
        .union(
          [
            z.enum(ITR_CHOICES as [string, ...string[]]),
            z
              .number({ error: ITR_EXPECTED })
              .int({ error: ITR_EXPECTED })
              .min(ITR_RANGE.min, { error: ITR_EXPECTED })
              .max(ITR_RANGE.max, { error: ITR_EXPECTED }),
          ],
          { error: ITR_EXPECTED },
        )
        .default('bulk'),
      `interrupt moderation per vector, for hops whose notification is \`moderated\`: a fixed throttle rate in interrupts/s (a preset, ${Object.entries(
        ITR_PRESETS,
      )
        .map(([k, v]) => `\`${k}\` ${v}`)
        .join(
          ', ',
        )}, [I1]; or a number), or adaptive as the ixgbe driver: \`adaptive\` (its current algorithm, [I4]) or \`adaptive-classes\` (its early one, [I3])`,
      `${ITR_CHOICES.join(', ')}, or int ${ITR_RANGE.min}..${ITR_RANGE.max}`,
    ),
    switch_buffer: help(
      count('upstream switch buffer (frames)', 1, 10_000_000).default(1024),
      'frames the upstream switch port can queue in front of the receive wire',
    ),
    lro: help(
      z.boolean({ error: 'true or false' }).default(false),
      'large receive offload: the NIC merges frames of a flow waiting in its ring into one descriptor (hops marked `aggregate: [lro]`)',
    ),
    lro_max: help(size(1518, 262_144).prefault('64 KiB'), 'largest LRO aggregate'),
    checksum_offload: help(
      z.boolean({ error: 'true or false' }).default(true),
      'the NIC computes and checks TCP/IP checksums; false: hops marked `checksum: without_offload` do it in software',
    ),
  },
  { error: `a NIC: a catalog name (${NIC_MODELS.join(', ')}) or a mapping of fields` },
);

export const scenarioSchema = z.strictObject({
  $schema: help(z.string().optional(), 'the JSON Schema this file follows (for editors); ignored by iovsim'),
  name: help(
    z.string().max(200).optional(),
    'shown in the `scenario` column and the table title (default: the file name without its extension)',
  ),
  description: help(z.string().max(2000).optional(), 'shown in the table title'),
  seed: help(
    count('seed', 0, 2 ** 31 - 1).default(1),
    'run seed; every random stream derives from it (docs/model.md, "Engine")',
  ),
  duration: help(positiveDuration.prefault('100 ms'), 'simulated time, warm-up included'),
  warmup: help(
    z.union([z.literal('auto'), duration], { error: `"auto" (MSER-5) or ${DURATION_EXPECTED}` }).prefault('10 ms'),
    'time discarded before the measurement window opens; shorter than `duration`. `auto` chooses it per run by MSER-5 (docs/experiments.md)',
    '"auto" or duration >= 0',
  ),
  host: help(
    z
      .union([z.enum(HOST_MODELS), hostFields], {
        error: `a host in the catalog (one of: ${HOST_MODELS.join(', ')}) or a mapping of fields`,
      })
      .prefault({}),
    'cores and host settings: a catalog name, or the fields below',
    'catalog name or mapping',
  ),
  nic: help(
    z
      .union([z.enum(NIC_MODELS), nicFields], {
        error: `a NIC in the catalog (one of: ${NIC_MODELS.join(', ')}) or a mapping of fields`,
      })
      .prefault({}),
    'the physical NIC: a catalog name, or the fields below',
    'catalog name or mapping',
  ),
  vms: help(
    z
      .strictObject({
        count: help(
          count('number of VMs', 1, 4096).default(4),
          'number of VMs; natively, the number of application instances (flows)',
        ),
      })
      .prefault({}),
    'the virtual machines',
  ),
  traffic: help(
    z
      .strictObject({
        direction: help(
          z.enum(['rx', 'tx'], { error: 'rx (wire to guest) or tx (guest to wire)' }).default('rx'),
          '`rx`: wire to guest application; `tx`: guest application to wire',
        ),
        load: help(
          load.optional(),
          'offered load of all VMs together; none (with no `load_per_vm`) means saturate (see "How loads become per-VM rates")',
          '"saturate", "line-rate" or rate',
        ),
        load_per_vm: help(rate.optional(), 'offered load of each VM; not with `load`'),
        arrivals: help(
          arrivals.prefault('poisson'),
          'arrival process of open-loop traffic. `constant`: evenly spaced, a random phase per VM. `on_off`: exponential on and off periods with those means, Poisson at peak rate = mean x (on + off) / on while on',
          '"constant", "poisson" or {on_off: {on, off}}',
        ),
        frame_bytes: help(
          frames.default(1518),
          `Ethernet frame size, header and FCS included, without the 20 B of preamble and gap. \`imix\` is 64/594/1518 B in the ratio 7:4:1 (mean 361.83 B)`,
          `int ${MIN_FRAME}..${MAX_FRAME}, "imix", or list of {bytes, weight}`,
        ),
        kind: help(
          z.enum(['bulk', 'request_response'], { error: 'bulk or request_response' }).default('bulk'),
          '`bulk`: a stream of data (TCP when saturating, with ACKs; open loop otherwise); `request_response`: transactions, see `traffic.request_response`',
        ),
        window: help(
          size(1518, 64 * 1024 * 1024).prefault('256 KiB'),
          "saturate mode: bytes of frames each VM's TCP sender keeps unacknowledged (the receive window). Queues build where the path is slowest, never beyond it. A window of fewer frames than `ack_every` waits out the receiver's 40 ms delayed-ACK timer each time, as TCP does (`run` prints a note)",
        ),
        ack_every: help(
          count('segments per ACK', 1, 64).default(2),
          'saturate mode: the receiver ACKs every this many full segments it holds unacknowledged ([L2]); an LRO or GRO aggregate is acknowledged at once',
        ),
        peer_gro: help(
          z.boolean({ error: 'true or false' }).default(true),
          "transmit: the remote receiver merges each TSO segment's frames (GRO) and ACKs it once; false: it ACKs every `ack_every` frames",
        ),
        request_response: help(
          z
            .strictObject({
              request_bytes: help(size(64, 1518).prefault('64 B'), 'frame size of a request (one frame)'),
              response_bytes: help(
                size(1, 16 * 1024 * 1024).prefault('1 KiB'),
                'TCP payload of a response, carried in frames of `traffic.frame_bytes` (or TSO segments)',
              ),
              concurrency: help(
                count('transactions outstanding per VM', 1, 100_000).optional(),
                "closed loop: transactions each VM's client keeps outstanding (default 1, unless `rate_per_vm` is set)",
              ),
              rate_per_vm: help(
                requestRate.optional(),
                "open loop: requests/s each VM's client sends, as a Poisson stream",
              ),
              app_cycles: help(
                z.number({ error: 'a non-negative number of cycles' }).min(0).max(1e9).default(0),
                "the application's cycles per request, on the VM's vCPU (cause `app`)",
              ),
              peer_latency: help(
                duration.prefault('5 us'),
                "the remote client's own time per transaction (its stack, both ways); an assumption, no source measures it",
              ),
            })
            .prefault({}),
          'request/response traffic (with `traffic.kind: request_response`): each VM serves transactions; a request comes in, the application works, a response goes out',
        ),
        socket_buffer: help(
          count('socket buffer (packets)', 1, 10_000_000).default(1024),
          "packets in a transmitting application's socket buffer (the `socket_buffer` ring)",
        ),
        tso_segment_bytes: help(
          count('TCP payload bytes per TSO segment', 1, 262_144).optional(),
          'transmit only: TCP segmentation offload. The stack hands the driver segments of this much TCP payload (65536 in Linux), which the NIC cuts into `frame_bytes` frames; per-packet work is paid per segment, per-byte work on every byte. Needs one frame size for all VMs',
        ),
      })
      .prefault({}),
    'what every VM sends or receives',
  ),
  per_vm: help(
    z
      .array(
        z.strictObject({
          vm: help(count('VM index', 0, 4095), 'which VM (below `vms.count`, each VM at most once)'),
          rate: help(rate.optional(), "this VM's offered load instead of its share of `traffic`; not in saturate mode"),
          frame_bytes: help(frames.optional(), "this VM's frame mix", 'as traffic.frame_bytes'),
          arrivals: help(arrivals.optional(), "this VM's arrival process", 'as traffic.arrivals'),
        }),
      )
      .max(4096)
      .default([]),
    'per-VM exceptions to `traffic`',
    'list',
  ),
  paths: help(
    z
      .array(z.string({ error: 'a path name' }))
      .min(1)
      .max(256)
      .optional(),
    `paths to run, in order (default: ${DEFAULT_PATH_NAMES.map((p) => `\`${p}\``).join(', ')}; the other built-ins are ${BUILTIN_PATH_NAMES.filter(
      (p) => !DEFAULT_PATH_NAMES.includes(p),
    )
      .map((p) => `\`${p}\``)
      .join(', ')}); a custom path runs only if listed here or in --modes`,
    'list of path names',
  ),
  costs: help(
    costs.default({}),
    'overrides of the cost table, for every path (`iovsim paths` lists the names, units, defaults and sources)',
    'map cost name -> number >= 0',
  ),
  custom_paths: help(
    z.record(z.string(), customPath).default({}),
    'variant paths, as data (see "Custom paths")',
    'map name -> custom path',
  ),
  reference: help(reference.optional(), 'the published result this scenario reproduces (for `iovsim compare`)'),
  validation: help(validation.optional(), 'marks a queueing-theory check for `iovsim verify`'),
  sweep: help(
    sweep.optional(),
    'a parameter study: field path -> list of values or {from, to, step}; one row per point per path (docs/experiments.md)',
    'map field path -> list or {from, to, step}',
  ),
  sweep_mode: help(
    z
      .enum(['cartesian', 'zip'], { error: 'cartesian (every combination) or zip (values paired in order)' })
      .default('cartesian'),
    'every combination of the swept values, or values paired position by position',
  ),
  replications: help(
    count('replications per point', 1, 10_000).default(1),
    "independent replications per point; seeds derived from `seed`, the point's swept values (not its position) and the replication; metrics become mean and `<metric>_ci95`",
  ),
  precision: help(
    precision.optional(),
    'add replications (in batches of `replications`) until the 95 % half-width of `metric` is within `relative_half_width` of its mean, or `max_replications`',
  ),
  search: help(
    search.optional(),
    'a zero-loss (RFC 2544) or capacity search instead of plain runs; not with `sweep` (docs/experiments.md)',
    'mapping (below), by `kind`',
  ),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioFile = z.output<typeof scenarioSchema>;
export type HostFields = z.output<typeof hostFields>;
export type NicFields = z.output<typeof nicFields>;
export type FramesInput = z.output<typeof frames>;
export type ArrivalsInput = z.output<typeof arrivals>;
export type SearchSpec = z.output<typeof search>;
export type CapacitySearch = Extract<SearchSpec, { kind: 'capacity' }>;
export type ValidationSpec = z.output<typeof validation>;
export type ServiceDistribution = z.output<typeof serviceDistribution>;
/** A scenario as the schema reads it, with `host` and `nic` always mappings and `name` always set. */
export type Scenario = Omit<ScenarioFile, 'host' | 'nic' | 'name'> & { name: string; host: HostFields; nic: NicFields };

/** `host` with a catalog name written out as the mapping it stands for. */
export function hostOf(s: ScenarioFile): HostFields {
  return typeof s.host === 'string' ? hostFields.parse({ model: s.host }) : s.host;
}

/** `nic` with a catalog name written out as the mapping it stands for. */
export function nicOf(s: ScenarioFile): NicFields {
  return typeof s.nic === 'string' ? nicFields.parse({ model: s.nic }) : s.nic;
}

export { HOST_CATALOG, NIC_CATALOG, type HostModelName, type NicModelName };

/**
 * The schema of the value at a dotted field path (`traffic.load_per_vm`), for checking a
 * swept value on its own; undefined when no field has that path. Only plain objects are
 * walked: a catalog shorthand's mapping, lists and maps have no fixed field paths.
 */
export function fieldSchema(path: string): z.ZodType | undefined {
  let s: z.ZodType | undefined = scenarioSchema;
  for (const part of path.split('.')) {
    const obj = objectOf(s);
    if (!obj || !Object.hasOwn(obj.shape, part)) return undefined;
    s = obj.shape[part] as z.ZodType;
  }
  return s;
}

/** The object schema inside wrappers (default, optional, a union with a catalog name), if any. */
function objectOf(t: z.ZodType | undefined): z.ZodObject | undefined {
  let cur: unknown = t;
  for (let i = 0; i < 10 && cur; i++) {
    const def = (cur as z.ZodType)._zod.def as unknown as {
      type: string;
      innerType?: z.ZodType;
      in?: z.ZodType;
      options?: z.ZodType[];
      shape?: unknown;
    };
    if (def.type === 'object') return cur as z.ZodObject;
    if (def.innerType) cur = def.innerType;
    else if (def.type === 'pipe' && def.in) cur = def.in;
    else if (def.type === 'union' && def.options)
      cur = def.options.find((o) => (o._zod.def as { type: string }).type === 'object');
    else return undefined;
  }
  return undefined;
}

export { objectOf };
