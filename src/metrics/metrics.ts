import { CAUSES } from '../model/causes.js';
import type { RunResult } from '../model/result.js';
import { jainIndex } from '../stats/jain.js';
import { STUDY_COLUMNS } from './study.js';

/**
 * The output metrics: every column a run's row can hold, declared once with its unit, help,
 * equation, how it is computed and how replications combine. CSV columns, the terminal
 * tables, `compare`, the scenario schema's metric names, the report and the column reference
 * in docs/scenarios.md all derive from this list (as OMNeT++ derives its results from
 * `@statistic` declarations).
 */

/** What several metrics of one run share, computed once per row. */
export interface RunTotals {
  r: RunResult;
  /** The scenario's name, for the row's first column. */
  scenario: string;
  secs: number;
  /** Cycles per core (all causes). */
  coreTotals: number[];
  totalCycles: number;
  /** Cores kept busy on average: all cycles / (clock x window). */
  coresUsed: number;
  /** Frames dropped in the window, at every hop. */
  dropped: number;
  deliveredGbps: number;
}

export function totalsOf(r: RunResult, scenario = ''): RunTotals {
  const coreTotals = r.coreCycles.map((c) => c.reduce((a, b) => a + b, 0));
  const totalCycles = coreTotals.reduce((a, b) => a + b, 0);
  return {
    r,
    scenario,
    secs: r.windowNs / 1e9,
    coreTotals,
    totalCycles,
    coresUsed: totalCycles / r.clockGhz / r.windowNs,
    dropped: Object.values(r.drops).reduce((a, b) => a + b, 0),
    deliveredGbps: (r.deliveredBytes * 8) / r.windowNs,
  };
}

/**
 * Loss: the share of the frames that left the system in the window by a drop, dropped /
 * (delivered + dropped). The one definition: `drop_pct`, the zero-loss and capacity searches
 * and `verify`'s loss probability all use it.
 */
export function lossOf(r: RunResult): number {
  const dropped = Object.values(r.drops).reduce((a, b) => a + b, 0);
  return dropped + r.deliveredPackets > 0 ? dropped / (dropped + r.deliveredPackets) : 0;
}

/**
 * How replications of one point combine: `first` keeps the first replication's value (an
 * identity such as the path), `mean` gives the mean and a `<name>_ci95` column with the
 * half-width of its 95 % Student-t interval.
 */
export type Aggregate = 'first' | 'mean';

interface Declared {
  unit: string;
  help: string;
  /** The equation, as docs/model.md and docs/scenarios.md print it. */
  equation?: string;
  aggregate: Aggregate;
  /** The label of its line in the terminal table of one point; absent: not shown there. */
  label?: string;
  /** Shown in the one-line-per-row table of sweeps and searches. */
  long?: boolean;
  /** Only in rows of request/response runs (transactions), where it means something. */
  transactions?: boolean;
}

/** One column of a run's row. */
export interface Metric extends Declared {
  name: string;
  compute: (t: RunTotals) => number | string;
  /** Relative tolerance when `compare` checks a published value of it; absent: not comparable. */
  tolerance?: number;
  /** Identity columns are written as they are; measured ones rounded to 6 significant digits. */
  identity?: boolean;
  /** Its value is text (a name), not a number. */
  text?: boolean;
}

/** Columns of one kind, one per member (per cause, per hop, per VM, per core). */
export interface MetricFamily extends Declared {
  /** The columns' name pattern, e.g. `vm<i>_gbps`. */
  name: string;
  /** The members of one run, in column order: column name and value. */
  expand: (t: RunTotals) => [string, number][];
  /** The terminal-table label of a member column. */
  memberLabel?: (column: string) => string;
  /** Members differ between paths (hop names): their columns are kept together in the CSV. */
  varies?: boolean;
  /** Counts written as they are, not rounded to 6 significant digits. */
  exact?: boolean;
  /**
   * Also written in long form, one row per member, to `<name>.<longFile>.csv` beside the
   * main CSV (whose wide columns stay as they are).
   */
  longFile?: string;
}

export type Column = Metric | MetricFamily;

const isFamily = (c: Column): c is MetricFamily => 'expand' in c;

const perSec = (count: number, t: RunTotals) => count / t.secs;
const gbps = (bytes: number, t: RunTotals) => (bytes * 8) / t.r.windowNs;
const perPacket = (cycles: number, t: RunTotals) => (t.r.deliveredPackets ? cycles / t.r.deliveredPackets : NaN);

const COLUMN_LIST = [
  {
    name: 'scenario',
    text: true,
    unit: '',
    help: 'scenario `name`',
    aggregate: 'first',
    identity: true,
    compute: (t) => t.scenario,
  },
  {
    name: 'path',
    text: true,
    unit: '',
    help: 'path name',
    aggregate: 'first',
    identity: true,
    long: true,
    compute: (t) => t.r.path,
  },
  {
    name: 'direction',
    text: true,
    unit: '',
    help: '`rx` or `tx`',
    aggregate: 'first',
    identity: true,
    compute: (t) => t.r.direction,
  },
  { name: 'vms', unit: '', help: '`vms.count`', aggregate: 'first', identity: true, compute: (t) => t.r.vms },
  {
    name: 'seed',
    unit: '',
    help: "seed used (with replications: the point's base seed)",
    aggregate: 'first',
    identity: true,
    compute: (t) => t.r.seed,
  },
  {
    name: 'warmup_ms',
    unit: 'ms',
    help: 'warm-up discarded (the one MSER-5 chose, with `warmup: auto`)',
    aggregate: 'mean',
    compute: (t) => t.r.warmupNs / 1e6,
  },
  {
    name: 'window_ms',
    unit: 'ms',
    help: 'measurement window',
    equation: 'W = duration - warmup',
    aggregate: 'mean',
    compute: (t) => t.r.windowNs / 1e6,
  },
  {
    name: 'frame_bytes_mean',
    unit: 'B',
    help: 'delivered bytes / delivered packets',
    aggregate: 'mean',
    compute: (t) => (t.r.deliveredPackets ? t.r.deliveredBytes / t.r.deliveredPackets : NaN),
  },
  {
    name: 'offered_gbps',
    unit: 'Gbit/s',
    help: 'bits of frames the sources offered in the window',
    equation: '8 B_o / W',
    aggregate: 'mean',
    compute: (t) => gbps(t.r.offeredBytes, t),
  },
  {
    name: 'offered_mpps',
    unit: 'Mpps',
    help: 'packets offered in the window',
    equation: 'N_o / W',
    aggregate: 'mean',
    compute: (t) => t.r.offeredPackets / t.secs / 1e6,
  },
  {
    name: 'delivered_gbps',
    unit: 'Gbit/s',
    help: 'bits of frames delivered (to the guest application on rx, across the far end of the wire on tx)',
    equation: '8 B_d / W',
    aggregate: 'mean',
    label: 'delivered Gbit/s',
    long: true,
    tolerance: 0.1,
    compute: (t) => t.deliveredGbps,
  },
  {
    name: 'delivered_mpps',
    unit: 'Mpps',
    help: 'packets delivered',
    equation: 'N_d / W',
    aggregate: 'mean',
    label: 'delivered Mpps',
    tolerance: 0.1,
    compute: (t) => t.r.deliveredPackets / t.secs / 1e6,
  },
  {
    name: 'tcp_payload_gbps',
    unit: 'Gbit/s',
    help: 'delivered TCP payload: max(0, frame - 70 B) per frame (18 B Ethernet + 52 B IP/TCP with timestamps; 1518 B carries 1448 B, [W2])',
    equation: '8 sum max(0, bytes - 70) / W',
    aggregate: 'mean',
    label: 'TCP payload Gbit/s',
    tolerance: 0.1,
    compute: (t) => gbps(t.r.deliveredPayloadBytes, t),
  },
  {
    name: 'wire_util_pct',
    unit: '%',
    help: "time the wire spent sending / window; a frame that straddles the window's edges counts pro rata",
    aggregate: 'mean',
    compute: (t) => (100 * t.r.wireBusyNs) / t.r.windowNs,
  },
  {
    name: 'drop_pct',
    unit: '%',
    help: 'loss: frames dropped / (delivered + dropped), both in the window',
    equation: '100 D / (N_d + D)',
    aggregate: 'mean',
    label: 'drops %',
    long: true,
    compute: (t) => 100 * lossOf(t.r),
  },
  {
    name: 'drops_<hop>_pkts',
    unit: 'frames',
    help: "frames dropped at each hop name; empty for a path without that hop. All paths' drop columns sit together after `drop_pct`",
    aggregate: 'mean',
    varies: true,
    exact: true,
    expand: (t) => Object.entries(t.r.drops).map(([hop, n]): [string, number] => [`drops_${hop}_pkts`, n]),
  },
  {
    name: 'latency_mean_us',
    unit: 'us',
    help: 'mean time from offer to delivery, of the packets delivered in the window (exact)',
    aggregate: 'mean',
    label: 'latency mean us',
    tolerance: 0.2,
    compute: (t) => t.r.latencyNs.mean / 1e3,
  },
  {
    name: 'latency_p50_us',
    unit: 'us',
    help: 'median latency (HDR histogram, 3 significant digits)',
    aggregate: 'mean',
    compute: (t) => t.r.latencyNs.p50 / 1e3,
  },
  {
    name: 'latency_p99_us',
    unit: 'us',
    help: '99th percentile of latency (HDR histogram, 3 significant digits)',
    aggregate: 'mean',
    label: 'latency p99 us',
    long: true,
    tolerance: 0.2,
    compute: (t) => t.r.latencyNs.p99 / 1e3,
  },
  {
    name: 'latency_p999_us',
    unit: 'us',
    help: '99.9th percentile of latency (HDR histogram, 3 significant digits)',
    aggregate: 'mean',
    label: 'latency p99.9 us',
    compute: (t) => t.r.latencyNs.p999 / 1e3,
  },
  {
    name: 'latency_max_us',
    unit: 'us',
    help: 'largest latency (exact)',
    aggregate: 'mean',
    compute: (t) => t.r.latencyNs.max / 1e3,
  },
  {
    name: 'cores_used',
    unit: 'cores',
    help: 'all cycles on all cores / (clock x window)',
    equation: 'U = sum_k sum_c C_kc / (f W)',
    aggregate: 'mean',
    label: 'cores used',
    long: true,
    tolerance: 0.2,
    compute: (t) => t.coresUsed,
  },
  {
    name: 'host_cpu_pct',
    unit: '% of host',
    help: '100 x cores_used / `host.cores`',
    aggregate: 'mean',
    tolerance: 0.2,
    compute: (t) => (100 * t.coresUsed) / t.r.coreCycles.length,
  },
  {
    name: 'cores_per_10gbps',
    unit: 'cores',
    help: 'cores_used / delivered_gbps x 10',
    aggregate: 'mean',
    label: 'cores per 10 Gbit/s',
    compute: (t) => (t.deliveredGbps > 0 ? (t.coresUsed / t.deliveredGbps) * 10 : NaN),
  },
  {
    name: 'cycles_per_pkt',
    unit: 'cycles',
    help: 'all cycles / delivered packets (including cycles spent on packets later dropped)',
    equation: 'sum C / N_d',
    aggregate: 'mean',
    label: 'cycles/packet',
    compute: (t) => perPacket(t.totalCycles, t),
  },
  {
    name: 'cycles_per_pkt_<cause>',
    unit: 'cycles',
    help: `the same for one cause: ${CAUSES.map((c) => `\`${c}\``).join(', ')} (they add up to \`cycles_per_pkt\`)`,
    aggregate: 'mean',
    expand: (t) =>
      CAUSES.map((cause, i): [string, number] => [
        `cycles_per_pkt_${cause}`,
        perPacket(
          t.r.coreCycles.reduce((s, core) => s + core[i], 0),
          t,
        ),
      ]),
    memberLabel: (column: string) => `  ${column.slice('cycles_per_pkt_'.length)}`,
  },
  {
    name: 'interrupts_per_s',
    unit: '1/s',
    help: 'notifications of kind `interrupt` sent (physical and virtual)',
    aggregate: 'mean',
    label: 'interrupts/s',
    compute: (t) => perSec(t.r.interrupts, t),
  },
  {
    name: 'interrupts_per_vector_per_s',
    unit: '1/s',
    help: 'interrupts per interrupt vector (each consumer woken by interrupts, e.g. a VF queue or a guest virtio ring): the rate moderation allowed',
    equation: 'interrupts / vectors / W',
    aggregate: 'mean',
    compute: (t) => (t.r.interruptVectors > 0 ? perSec(t.r.interrupts, t) / t.r.interruptVectors : NaN),
  },
  {
    name: 'kicks_per_s',
    unit: '1/s',
    help: 'notifications of kind `kick` sent',
    aggregate: 'mean',
    compute: (t) => perSec(t.r.kicks, t),
  },
  {
    name: 'vm_exits_per_s',
    unit: '1/s',
    help: 'VM exits taken',
    aggregate: 'mean',
    label: 'VM exits/s',
    compute: (t) => perSec(t.r.exits, t),
  },
  {
    name: 'acks_per_s',
    unit: '1/s',
    help: "pure TCP ACKs the receivers sent (saturate mode); each crossed the return direction's path",
    aggregate: 'mean',
    compute: (t) => perSec(t.r.acks, t),
  },
  {
    name: 'vm_exits_per_pkt',
    unit: 'exits',
    help: 'VM exits per delivered packet: how well a path batches or avoids exits',
    equation: 'exits / N_d',
    aggregate: 'mean',
    label: 'VM exits/packet',
    compute: (t) => perPacket(t.r.exits, t),
  },
  {
    name: 'transactions_per_s',
    unit: '1/s',
    help: "request/response: transactions completed (the response's last frame back at the client)",
    aggregate: 'mean',
    label: 'transactions/s',
    long: true,
    transactions: true,
    tolerance: 0.1,
    compute: (t) => perSec(t.r.transactions, t),
  },
  {
    name: 'transaction_latency_mean_us',
    unit: 'us',
    help: "request/response: mean time from a request's issue to its response's last frame (exact)",
    aggregate: 'mean',
    label: 'transaction latency mean us',
    transactions: true,
    tolerance: 0.2,
    compute: (t) => t.r.transactionLatencyNs.mean / 1e3,
  },
  {
    name: 'transaction_latency_p50_us',
    unit: 'us',
    help: 'request/response: median transaction latency (HDR histogram)',
    aggregate: 'mean',
    transactions: true,
    compute: (t) => t.r.transactionLatencyNs.p50 / 1e3,
  },
  {
    name: 'transaction_latency_p99_us',
    unit: 'us',
    help: 'request/response: 99th percentile of transaction latency (HDR histogram)',
    aggregate: 'mean',
    label: 'transaction latency p99 us',
    long: true,
    transactions: true,
    tolerance: 0.2,
    compute: (t) => t.r.transactionLatencyNs.p99 / 1e3,
  },
  {
    name: 'transaction_latency_p999_us',
    unit: 'us',
    help: 'request/response: 99.9th percentile of transaction latency (HDR histogram)',
    aggregate: 'mean',
    transactions: true,
    compute: (t) => t.r.transactionLatencyNs.p999 / 1e3,
  },
  {
    name: 'cycles_per_transaction',
    unit: 'cycles',
    help: 'request/response: all cycles on all cores / transactions completed',
    aggregate: 'mean',
    label: 'cycles/transaction',
    transactions: true,
    compute: (t) => (t.r.transactions > 0 ? t.totalCycles / t.r.transactions : NaN),
  },
  {
    name: 'transactions_lost_pct',
    unit: '%',
    help: 'request/response: transactions whose request or response was dropped, in % of those that ended',
    aggregate: 'mean',
    transactions: true,
    compute: (t) => {
      const ended = t.r.transactions + t.r.transactionsLost;
      return ended > 0 ? (100 * t.r.transactionsLost) / ended : 0;
    },
  },
  {
    name: 'mean_in_system_pkts',
    unit: 'packets',
    help: "time-average number of frames offered and not yet delivered or dropped (Little's law L; ACKs not counted)",
    equation: 'L = (1/W) integral N(t) dt',
    aggregate: 'mean',
    compute: (t) => t.r.meanInSystem,
  },
  {
    name: 'fairness_jain',
    unit: '0..1',
    help: "Jain's index of the VMs' delivered bytes: 1 when equal, 1/n when one VM takes everything",
    equation: '(sum x_i)^2 / (n sum x_i^2)',
    aggregate: 'mean',
    label: 'fairness (Jain)',
    compute: (t) => jainIndex(t.r.vmDeliveredBytes),
  },
  {
    name: 'vm<i>_gbps',
    unit: 'Gbit/s',
    help: 'delivered to or from VM i, one column per VM; also in long form in `<name>.per_vm.csv`',
    aggregate: 'mean',
    longFile: 'per_vm',
    expand: (t) => t.r.vmDeliveredBytes.map((b, i): [string, number] => [`vm${i}_gbps`, gbps(b, t)]),
  },
  {
    name: 'core<i>_util_pct',
    unit: '%',
    help: "100 x core i's cycles / (clock x window), one column per core; also in long form in `<name>.per_core.csv`",
    aggregate: 'mean',
    longFile: 'per_core',
    expand: (t) =>
      t.coreTotals.map((c, i): [string, number] => [`core${i}_util_pct`, (100 * c) / t.r.clockGhz / t.r.windowNs]),
  },
] as const satisfies readonly Column[];

/** Every column of a run's row, in CSV order. */
export const COLUMNS: readonly Column[] = COLUMN_LIST;

/** The name of a single (non-family) metric. */
export type MetricName = Extract<(typeof COLUMN_LIST)[number], { compute: unknown }>['name'];

const SINGLE = new Map(COLUMNS.filter((c): c is Metric => !isFamily(c)).map((c) => [c.name, c]));

/** The declaration of metric `name`. */
export function metric(name: MetricName): Metric {
  return SINGLE.get(name)!;
}

/** The declaration behind a column name: a metric, or the family a member column belongs to. */
export function columnDeclaration(column: string): Column | undefined {
  const single = SINGLE.get(column);
  if (single) return single;
  return COLUMNS.filter(isFamily).find((f) => familyPattern(f).test(column));
}

function familyPattern(f: MetricFamily): RegExp {
  const [head, tail] = f.name.split(/<[a-z]+>/);
  return new RegExp(`^${head.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.+${tail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/** Metrics a published figure (`reference.checks`, claims) can be compared with: those with a tolerance. */
export const COMPARABLE_METRICS = COLUMNS.filter((c): c is Metric => !isFamily(c) && c.tolerance !== undefined).map(
  (c) => c.name as MetricName,
);

/** Numeric metrics a precision target can be set on (identities and families excluded). */
export const PRECISION_METRICS = COLUMNS.filter((c): c is Metric => !isFamily(c) && !c.identity).map(
  (c) => c.name as MetricName,
);

/** Rounds to 6 significant digits so output is stable and readable; no data (NaN) becomes an empty cell. */
export function rounded(x: number): number | string {
  if (!Number.isFinite(x)) return '';
  return Number(x.toPrecision(6));
}

/** One output row: column name (with its unit) to value. Column order is insertion order. */
export type Row = Record<string, string | number>;

/** Turns one run into its row: every declared column, in order. */
export function resultRow(scenario: string, r: RunResult): Row {
  const t = totalsOf(r, scenario);
  const row: Row = {};
  const rr = r.mode === 'request-response';
  for (const c of COLUMNS) {
    if (c.transactions && !rr) continue;
    if (isFamily(c)) {
      for (const [name, v] of c.expand(t)) row[name] = c.exact ? v : rounded(v);
    } else {
      const v = c.compute(t);
      row[c.name] = c.identity ? v : rounded(v as number);
    }
  }
  return row;
}

/** A metric's value in a run, unrounded: for searches and SLOs that test runs against limits. */
export function valueOf(name: MetricName, r: RunResult): number {
  return metric(name).compute(totalsOf(r)) as number;
}

/** The rows of the terminal table of one point: column (or member column) and label, in order; `member` marks a family's. */
export function tableLines(columns: Iterable<string>): [string, string, boolean][] {
  const present = [...columns];
  const out: [string, string, boolean][] = [];
  for (const c of COLUMNS) {
    if (isFamily(c)) {
      if (c.memberLabel)
        for (const col of present.filter((k) => familyPattern(c).test(k))) out.push([col, c.memberLabel(col), true]);
    } else if (c.label && present.includes(c.name)) out.push([c.name, c.label, false]);
  }
  return out;
}

/**
 * The families also written in long form: the file suffix, the index column (`vm`, from the
 * name pattern `vm<i>_gbps`), the value column (`gbps`), and which member a column is.
 */
export function longFamilies(): {
  file: string;
  index: string;
  value: string;
  member: (column: string) => string | undefined;
}[] {
  return COLUMNS.filter(isFamily)
    .filter((f) => f.longFile !== undefined)
    .map((f) => {
      const [head, tail] = f.name.split(/<[a-z]+>/);
      const pattern = familyPattern(f);
      return {
        file: f.longFile!,
        index: head,
        value: tail.replace(/^_/, ''),
        member: (column: string) =>
          pattern.test(column) ? column.slice(head.length, column.length - tail.length) : undefined,
      };
    });
}

/**
 * Whether a result column holds numbers (an empty cell is a number with no data): true for
 * every metric, family member and `_ci95` twin except the text identities and study columns
 * declared `text`; undefined for a column iovsim never writes (a swept field's column aside).
 */
export function numericColumn(column: string): boolean | undefined {
  const base = column.replace(/_ci95$/, '');
  const study = STUDY_COLUMNS.find((c) => c.name === column);
  if (study) return !('text' in study && study.text);
  const d = columnDeclaration(base);
  if (!d) return undefined;
  return isFamily(d) || !d.text;
}

/** Family columns whose members differ by path, for keeping them together in the CSV. */
export function varyingFamilies(): { after: string; matches: (column: string) => boolean }[] {
  const out: { after: string; matches: (column: string) => boolean }[] = [];
  COLUMNS.forEach((c, i) => {
    if (isFamily(c) && c.varies) out.push({ after: COLUMNS[i - 1].name, matches: (k) => familyPattern(c).test(k) });
  });
  return out;
}

export { isFamily };
