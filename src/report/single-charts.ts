import type { TopLevelSpec } from 'vega-lite';
import { CAUSES } from '../model/causes.js';
import type { ChartSpec } from './render.js';
import { causePalette, inPaletteOrder, UNATTRIBUTED, type ColourScale } from './palette.js';
import { hasCi, numberAt, type ResultTable } from './table.js';
import { columnLabel } from './question.js';
import {
  CONFIG,
  HEIGHT,
  pathColour,
  refLayer,
  shortNumber,
  wantsLog,
  type ChartContext,
  type RefLine,
} from './style.js';

/** Bars per path need room for a label each; a fixed step keeps five paths and fifty alike readable. */
const STEP = 64;

/**
 * Delivered throughput per path, with the offered load as a tick across each bar: the gap
 * between bar and tick is what the path could not carry.
 */
function throughputChart(t: ResultTable, palette: ColourScale): ChartSpec {
  const ci = hasCi(t, 'delivered_gbps');
  const values = t.rows.map((r, i) => {
    const delivered = numberAt(t, i, 'delivered_gbps') ?? 0;
    const offered = numberAt(t, i, 'offered_gbps');
    const half = ci ? (numberAt(t, i, 'delivered_gbps_ci95') ?? 0) : 0;
    return {
      path: r.path,
      delivered,
      offered,
      lo: delivered - half,
      hi: delivered + half,
      label: shortNumber(delivered),
      labelAt: Math.max(delivered + half, offered ?? 0),
    };
  });
  const paths = inPaletteOrder(
    palette,
    values.map((v) => v.path),
  );
  const x = { field: 'path', type: 'nominal' as const, sort: paths, title: 'path', axis: { labelAngle: 0 } };
  const y = { type: 'quantitative' as const, title: columnLabel('delivered_gbps') };
  const spec: TopLevelSpec = {
    config: CONFIG,
    title: { text: 'Delivered throughput per path (Gbit/s)', subtitle: 'bars: delivered; black tick: offered load' },
    width: { step: STEP },
    height: HEIGHT,
    data: { values },
    encoding: { x },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: { y: { ...y, field: 'delivered' }, color: pathColour(palette, paths, false) },
      },
      ...(ci
        ? [
            {
              mark: { type: 'rule' as const, color: '#222' },
              encoding: { y: { ...y, field: 'lo' }, y2: { field: 'hi' } },
            },
          ]
        : []),
      {
        transform: [{ filter: 'datum.offered != null' }],
        mark: { type: 'tick', color: '#111', thickness: 3, size: STEP * 0.9 },
        encoding: { y: { ...y, field: 'offered' } },
      },
      {
        mark: { type: 'text', dy: -8, fontSize: 11 },
        encoding: { y: { ...y, field: 'labelAt' }, text: { field: 'label' } },
      },
    ],
  };
  return {
    name: 'throughput',
    title: 'Delivered throughput per path (Gbit/s)',
    caption: `Delivered throughput of each path in Gbit/s (frame bits, as delivered_gbps)${ci ? ', with its 95 % confidence interval' : ''}; the black tick is the offered load (offered_gbps). A bar below its tick is load the path could not carry.`,
    spec,
  };
}

/**
 * Cores each path keeps busy, split by cause. The CSV gives cores in total and cycles per
 * packet per cause; each cause's share of the cycles is its share of the cores.
 */
function coresChart(t: ResultTable, palette: ColourScale, ctx: ChartContext): ChartSpec {
  const values: { path: string; cause: string; order: number; cores: number }[] = [];
  const totals: { path: string; total: number; label: string }[] = [];
  t.rows.forEach((r, i) => {
    const cores = numberAt(t, i, 'cores_used') ?? 0;
    const perPkt = numberAt(t, i, 'cycles_per_pkt');
    totals.push({ path: r.path, total: cores, label: shortNumber(cores) });
    if (perPkt === null || perPkt <= 0) {
      values.push({ path: r.path, cause: UNATTRIBUTED, order: CAUSES.length, cores });
      return;
    }
    CAUSES.forEach((cause, k) => {
      const c = numberAt(t, i, `cycles_per_pkt_${cause}`) ?? 0;
      if (c > 0) values.push({ path: r.path, cause, order: k, cores: (cores * c) / perPkt });
    });
  });
  const paths = inPaletteOrder(
    palette,
    t.rows.map((r) => r.path),
  );
  const causes = causePalette();
  const present = causes.domain.filter((c) => values.some((v) => v.cause === c));
  const x = { field: 'path', type: 'nominal' as const, sort: paths, title: 'path', axis: { labelAngle: 0 } };
  const title = columnLabel('cores_used');
  const lines = cpuLines(ctx);
  const spec: TopLevelSpec = {
    config: CONFIG,
    title: {
      text: 'CPU cores used per path, by cause (cores)',
      subtitle: `cores used x cycles per packet for the cause / cycles per packet${lines.length ? `; dashed: ${lines.length > 1 ? "the host's cores and the objective" : "the host's cores"}` : ''}`,
    },
    width: { step: STEP },
    height: HEIGHT,
    layer: [
      {
        data: { values },
        mark: { type: 'bar' },
        encoding: {
          x,
          y: { field: 'cores', type: 'quantitative', aggregate: 'sum', stack: 'zero', title },
          color: { field: 'cause', type: 'nominal', title: 'cause', scale: causes, legend: { values: present } },
          order: { field: 'order', type: 'quantitative', sort: 'ascending' },
        },
      },
      {
        data: { values: totals },
        mark: { type: 'text', dy: -8, fontSize: 11 },
        encoding: { x, y: { field: 'total', type: 'quantitative', title }, text: { field: 'label' } },
      },
      ...(lines.length ? [refLayer(lines, { title })] : []),
    ],
  };
  return {
    name: 'cores-by-cause',
    title: 'CPU cores used per path, by cause (cores)',
    caption: `Cores kept busy by each path (cores_used, the total over the bar), split by what the cycles were spent on: guest stack, drivers, VM exits, device emulation, the software switch, hypervisor copies and interrupts.${lines.length ? ` Dashed lines: ${lines.map((l) => l.label).join('; ')}.` : ''}`,
    spec,
  };
}

const PERCENTILES = [
  { column: 'latency_p50_us', label: 'p50' },
  { column: 'latency_p99_us', label: 'p99' },
  { column: 'latency_p999_us', label: 'p99.9' },
];

/** Median and tail latency per path, side by side; the tail is where paths differ most. */
function latencyChart(t: ResultTable, palette: ColourScale, ctx: ChartContext): ChartSpec {
  const values = t.rows
    .flatMap((r, i) =>
      PERCENTILES.map(({ column, label }, k) => {
        const us = numberAt(t, i, column);
        return { path: r.path, percentile: label, order: k, us, label: us === null ? '' : shortNumber(us) };
      }),
    )
    .filter((v) => v.us !== null);
  const log = wantsLog(values.map((v) => v.us));
  const paths = inPaletteOrder(
    palette,
    t.rows.map((r) => r.path),
  );
  const labels = PERCENTILES.map((p) => p.label);
  const slo: RefLine[] =
    ctx.p99LatencyUs !== undefined
      ? [{ value: ctx.p99LatencyUs, label: `objective: p99 <= ${ctx.p99LatencyUs} us` }]
      : [];
  const title = `latency (${columnLabel('latency_p99_us').replace(/.*\((.*)\)$/, '$1')})`;
  const scale = log
    ? // Bars start at zero, which a log scale cannot show: symlog is logarithmic away from it.
      { type: 'symlog' as const, constant: Math.min(...values.map((v) => v.us as number)) }
    : {};
  const y = { field: 'us', type: 'quantitative' as const, title, scale };
  const x = { field: 'path', type: 'nominal' as const, sort: paths, title: 'path', axis: { labelAngle: 0 } };
  const xOffset = { field: 'percentile', type: 'nominal' as const, sort: labels, scale: { domain: labels } };
  const spec: TopLevelSpec = {
    config: CONFIG,
    title: {
      text: 'Latency percentiles per path (us)',
      subtitle: `bars per path, left to right: p50, p99, p99.9 (lighter to darker)${log ? '; log scale' : ''}${slo.length ? '; dashed: the p99 objective' : ''}`,
    },
    width: { step: STEP * 1.5, for: 'position' },
    height: HEIGHT,
    layer: [
      {
        data: { values },
        mark: { type: 'bar' },
        encoding: {
          x,
          xOffset,
          y,
          color: pathColour(palette, paths, false),
          opacity: {
            field: 'percentile',
            type: 'nominal',
            sort: labels,
            title: 'percentile',
            scale: { type: 'ordinal', domain: labels, range: [0.4, 0.7, 1] },
            legend: { values: labels },
          },
        },
      },
      {
        data: { values },
        mark: { type: 'text', dy: -6, fontSize: 9, color: '#333' },
        encoding: { x, xOffset, y, text: { field: 'label' } },
      },
      ...(slo.length ? [refLayer(slo, { title, scale })] : []),
    ],
  };
  return {
    name: 'latency',
    title: 'Latency percentiles per path (us)',
    caption: `Median (p50) and tail (p99, p99.9) latency of each path in microseconds, from the arrival of a packet to its delivery${log ? ', on a log scale because the paths differ by more than a factor of 20' : ''}. Paths with no packets delivered have no bar.${slo.length ? ` The dashed line is the objective on p99 latency (${slo[0].value} us).` : ''}`,
    spec,
  };
}

/** The dashed lines of a cores axis: the host's cores (the ceiling) and a CPU objective. */
export function cpuLines(ctx: ChartContext): RefLine[] {
  const lines: RefLine[] = [];
  if (ctx.hostCores !== undefined) lines.push({ value: ctx.hostCores, label: `host: ${ctx.hostCores} cores` });
  if (ctx.cpuPct !== undefined && ctx.hostCores !== undefined) {
    const cores = (ctx.cpuPct / 100) * ctx.hostCores;
    lines.push({ value: cores, label: `objective: CPU <= ${ctx.cpuPct} % (${Number(cores.toPrecision(4))} cores)` });
  }
  return lines;
}

/** Loss per path, drawn only when some path dropped frames. */
function lossChart(t: ResultTable, palette: ColourScale, ctx: ChartContext): ChartSpec {
  const values = t.rows.map((r, i) => {
    const loss = numberAt(t, i, 'drop_pct') ?? 0;
    return { path: r.path, loss, label: shortNumber(loss) };
  });
  const paths = inPaletteOrder(
    palette,
    values.map((v) => v.path),
  );
  const title = columnLabel('drop_pct');
  const slo: RefLine[] =
    ctx.lossPct !== undefined ? [{ value: ctx.lossPct, label: `objective: loss <= ${ctx.lossPct} %` }] : [];
  const x = { field: 'path', type: 'nominal' as const, sort: paths, title: 'path', axis: { labelAngle: 0 } };
  const y = { field: 'loss', type: 'quantitative' as const, title };
  const spec: TopLevelSpec = {
    config: CONFIG,
    title: { text: 'Frames lost per path (%)', subtitle: 'dropped / (delivered + dropped), in the measurement window' },
    width: { step: STEP },
    height: HEIGHT,
    layer: [
      { data: { values }, mark: { type: 'bar' }, encoding: { x, y, color: pathColour(palette, paths, false) } },
      {
        data: { values },
        mark: { type: 'text', dy: -8, fontSize: 11 },
        encoding: { x, y, text: { field: 'label' } },
      },
      ...(slo.length ? [refLayer(slo, { title })] : []),
    ],
  };
  return {
    name: 'loss',
    title: 'Frames lost per path (%)',
    caption: `The share of frames each path dropped (drop_pct, %), at any hop: a path that cannot keep up with the offered load loses what it cannot carry.${slo.length ? ` The dashed line is the loss objective (${ctx.lossPct} %).` : ''}`,
    spec,
  };
}

/** The charts of a single-point result: throughput, CPU by cause, latency, and loss when there are drops. */
export function singleCharts(t: ResultTable, palette: ColourScale, ctx: ChartContext = {}): ChartSpec[] {
  const drops = t.rows.some((_, i) => (numberAt(t, i, 'drop_pct') ?? 0) > 0);
  return [
    throughputChart(t, palette),
    coresChart(t, palette, ctx),
    latencyChart(t, palette, ctx),
    ...(drops && t.columns.includes('drop_pct') ? [lossChart(t, palette, ctx)] : []),
  ];
}
