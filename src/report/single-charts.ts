import type { TopLevelSpec } from 'vega-lite';
import { CAUSES } from '../model/causes.js';
import type { ChartSpec } from './render.js';
import { causePalette, inPaletteOrder, UNATTRIBUTED, type ColourScale } from './palette.js';
import { hasCi, numberAt, type ResultTable } from './table.js';
import { CONFIG, HEIGHT, pathColour, shortNumber, wantsLog } from './style.js';

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
  const y = { type: 'quantitative' as const, title: 'delivered (Gbit/s)' };
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
function coresChart(t: ResultTable, palette: ColourScale): ChartSpec {
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
  const spec: TopLevelSpec = {
    config: CONFIG,
    title: {
      text: 'CPU cores used per path, by cause (cores)',
      subtitle: 'cores used x cycles per packet for the cause / cycles per packet',
    },
    width: { step: STEP },
    height: HEIGHT,
    encoding: { x },
    layer: [
      {
        data: { values },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'cores', type: 'quantitative', aggregate: 'sum', stack: 'zero', title: 'cores' },
          color: { field: 'cause', type: 'nominal', title: 'cause', scale: causes, legend: { values: present } },
          order: { field: 'order', type: 'quantitative', sort: 'ascending' },
        },
      },
      {
        data: { values: totals },
        mark: { type: 'text', dy: -8, fontSize: 11 },
        encoding: { y: { field: 'total', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
  return {
    name: 'cores-by-cause',
    title: 'CPU cores used per path, by cause (cores)',
    caption:
      'Cores kept busy by each path (cores_used, the total over the bar), split by what the cycles were spent on: guest stack, drivers, VM exits, device emulation, the software switch, hypervisor copies and interrupts.',
    spec,
  };
}

const PERCENTILES = [
  { column: 'latency_p50_us', label: 'p50' },
  { column: 'latency_p99_us', label: 'p99' },
  { column: 'latency_p999_us', label: 'p99.9' },
];

/** Median and tail latency per path, side by side; the tail is where paths differ most. */
function latencyChart(t: ResultTable, palette: ColourScale): ChartSpec {
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
  const y = {
    field: 'us',
    type: 'quantitative' as const,
    title: 'latency (us)',
    // Bars start at zero, which a log scale cannot show: symlog is logarithmic away from it.
    scale: log ? { type: 'symlog' as const, constant: Math.min(...values.map((v) => v.us as number)) } : {},
  };
  const spec: TopLevelSpec = {
    config: CONFIG,
    title: {
      text: 'Latency percentiles per path (us)',
      subtitle: `bars per path, left to right: p50, p99, p99.9 (lighter to darker)${log ? '; log scale' : ''}`,
    },
    width: { step: STEP * 1.5, for: 'position' },
    height: HEIGHT,
    data: { values },
    encoding: {
      x: { field: 'path', type: 'nominal', sort: paths, title: 'path', axis: { labelAngle: 0 } },
      xOffset: { field: 'percentile', type: 'nominal', sort: labels, scale: { domain: labels } },
    },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
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
      { mark: { type: 'text', dy: -6, fontSize: 9, color: '#333' }, encoding: { y, text: { field: 'label' } } },
    ],
  };
  return {
    name: 'latency',
    title: 'Latency percentiles per path (us)',
    caption: `Median (p50) and tail (p99, p99.9) latency of each path in microseconds, from the arrival of a packet to its delivery${log ? ', on a log scale because the paths differ by more than a factor of 20' : ''}. Paths with no packets delivered have no bar.`,
    spec,
  };
}

/** The three charts of a single-point result: throughput, CPU by cause, latency. */
export function singleCharts(t: ResultTable, palette: ColourScale): ChartSpec[] {
  return [throughputChart(t, palette), coresChart(t, palette), latencyChart(t, palette)];
}
