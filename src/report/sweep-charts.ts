import type { TopLevelSpec } from 'vega-lite';
import type { ChartSpec } from './render.js';
import { inPaletteOrder, type ColourScale } from './palette.js';
import { hasCi, numberAt, type ResultTable } from './table.js';
import { fieldLabel } from '../scenario/reference.js';
import { columnLabel } from './question.js';
import { cpuLines } from './single-charts.js';
import {
  CONFIG,
  HEIGHT,
  WIDTH,
  pathColour,
  pathDash,
  pathPointSize,
  pathShape,
  pathStrokeWidth,
  refLayer,
  wantsLog,
  PATH_KEY,
  type ChartContext,
  type RefLine,
} from './style.js';

/** The swept values as the x axis: numbers where they are numbers, else categories in file order. */
interface XAxis {
  type: 'quantitative' | 'ordinal';
  values: (number | string)[];
  unit?: string;
  order: (number | string)[];
}

/**
 * Sweep values are either plain numbers (vms.count: 8) or quantities written with their
 * unit (traffic.load: "2 Gbit/s"). A quantity in one unit throughout is still a number line,
 * with the unit moved to the axis title; anything else (imix, mixed units) is a category.
 */
export function sweptAxis(cells: string[]): XAxis {
  const order = (xs: (number | string)[]) => [...new Set(xs)];
  const nums = cells.map((c) => (c.trim() === '' ? NaN : Number(c)));
  if (nums.every(Number.isFinite))
    return { type: 'quantitative', values: nums, order: order(nums).sort((a, b) => Number(a) - Number(b)) };
  const quantities = cells.map((c) => /^\s*(-?[0-9.]+(?:[eE][+-]?[0-9]+)?)\s*(\S.*?)\s*$/.exec(c));
  const unit = quantities[0]?.[2];
  if (quantities.every((m) => m !== null && m[2] === unit && Number.isFinite(Number(m[1])))) {
    const values = quantities.map((m) => Number(m![1]));
    return { type: 'quantitative', values, unit, order: order(values).sort((a, b) => Number(a) - Number(b)) };
  }
  return { type: 'ordinal', values: cells, order: order(cells) };
}

interface Metric {
  column: string;
  name: string;
  caption: string;
  /** The objective or ceiling lines this metric's axis carries. */
  lines: (ctx: ChartContext) => RefLine[];
}

const METRICS: Metric[] = [
  {
    column: 'delivered_gbps',
    name: 'delivered-gbps',
    caption: 'Delivered throughput in Gbit/s (frame bits) of each path',
    lines: () => [],
  },
  { column: 'cores_used', name: 'cores-used', caption: 'CPU cores kept busy by each path', lines: cpuLines },
  {
    column: 'latency_p99_us',
    name: 'latency-p99',
    caption: '99th-percentile latency in microseconds of each path',
    lines: (ctx) =>
      ctx.p99LatencyUs !== undefined
        ? [{ value: ctx.p99LatencyUs, label: `objective: p99 <= ${ctx.p99LatencyUs} us` }]
        : [],
  },
];

/** Drawn only when some row dropped frames. */
const LOSS: Metric = {
  column: 'drop_pct',
  name: 'loss',
  caption: 'Frames lost, in % of those that left the system (drop_pct), by each path',
  lines: (ctx) =>
    ctx.lossPct !== undefined ? [{ value: ctx.lossPct, label: `objective: loss <= ${ctx.lossPct} %` }] : [],
};

function sweepChart(t: ResultTable, palette: ColourScale, m: Metric, ctx: ChartContext): ChartSpec {
  const [xColumn, ...others] = t.swept;
  const axis = sweptAxis(t.rows.map((r) => r[xColumn] ?? ''));
  const ci = hasCi(t, m.column);
  // Further swept columns (a cartesian sweep) become one line each per path, told apart by dash.
  const seriesOf = (r: Record<string, string>) => others.map((c) => `${c}=${r[c]}`).join(', ');
  const rows = t.rows.map((r, i) => {
    const y = numberAt(t, i, m.column);
    const half = ci ? numberAt(t, i, `${m.column}_ci95`) : null;
    return {
      path: r.path,
      [PATH_KEY]: r.path,
      series: seriesOf(r),
      x: axis.values[i],
      y,
      lo: half === null || y === null ? null : y - half,
      hi: half === null || y === null ? null : y + half,
    };
  });
  const values = rows.filter((v) => v.y !== null);
  const logY = wantsLog(values.map((v) => v.y));
  if (logY) {
    // A band reaching zero or below has no place on a log axis: clip it at the smallest value drawn.
    const floor = Math.min(...values.map((v) => v.y!)) * 0.5;
    for (const v of values) if (v.lo !== null && v.lo <= 0) v.lo = floor;
  }
  const logX = axis.type === 'quantitative' && wantsLog(axis.order as number[]);
  const paths = inPaletteOrder(
    palette,
    values.map((v) => v.path),
  );
  const series = [...new Set(values.map((v) => v.series))];
  const label = fieldLabel(xColumn);
  const xTitle = axis.unit ? label.replace(/\)$/, `; ${axis.unit})`) : label;
  const yTitle = columnLabel(m.column);
  const title = `${yTitle.replace(/ \(.*\)$/, '')} vs ${label.replace(/ \(.*\)$/, '')}`;
  // A reference line at or below zero has no place on a log axis.
  const lines = m.lines(ctx).filter((l) => !logY || l.value > 0);
  const x = {
    field: 'x',
    type: axis.type,
    title: xTitle,
    ...(axis.type === 'ordinal' ? { sort: axis.order as string[] } : {}),
    scale: axis.type === 'quantitative' ? (logX ? { type: 'log' as const, base: 2 } : { zero: false }) : {},
    axis:
      axis.order.length <= 12 && axis.type === 'quantitative'
        ? { values: axis.order as number[], labelAngle: 0 }
        : { labelAngle: 0 },
  };
  const y = { type: 'quantitative' as const, title: yTitle, scale: logY ? { type: 'log' as const } : {} };
  const many = series.length > 1;
  // Dashes tell paths apart, unless a second swept field needs them; point shapes always do.
  const dash = many
    ? { strokeDash: { field: 'series', type: 'nominal' as const, title: others.join(', ') } }
    : { strokeDash: pathDash(palette, paths) };
  const detail = many ? { detail: { field: 'series', type: 'nominal' as const } } : {};
  const subtitle = [
    `one line per path over ${xColumn}`,
    ci ? 'band: 95 % confidence interval' : '',
    logY ? 'log scale' : '',
    lines.length ? `dashed grey: ${lines.map((l) => l.label).join('; ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const spec: TopLevelSpec = {
    config: CONFIG,
    title: { text: title, subtitle },
    width: WIDTH,
    height: HEIGHT,
    layer: [
      ...(ci
        ? [
            {
              data: { values },
              transform: [{ filter: 'datum.lo != null && datum.hi != null' }],
              mark: { type: 'area' as const, opacity: 0.2 },
              encoding: {
                x,
                y: { ...y, field: 'lo' },
                y2: { field: 'hi' },
                color: pathColour(palette, paths, true),
                ...detail,
              },
            },
          ]
        : []),
      {
        data: { values },
        mark: { type: 'line' },
        encoding: {
          x,
          y: { ...y, field: 'y' },
          color: pathColour(palette, paths, true),
          strokeWidth: pathStrokeWidth(palette),
          ...detail,
          ...dash,
        },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, opacity: 1 },
        encoding: {
          x,
          y: { ...y, field: 'y' },
          color: pathColour(palette, paths, true),
          size: pathPointSize(palette),
          shape: pathShape(palette, paths),
        },
      },
      ...(lines.length ? [refLayer(lines, { title: yTitle, scale: y.scale })] : []),
    ],
  };
  return {
    name: m.name,
    title,
    caption: `${m.caption} at each value of ${xColumn}${ci ? ', the mean over replications with its 95 % confidence interval as a band' : ''}${many ? `; dashes tell apart the values of ${others.join(', ')}` : ''}${logY ? '; log scale' : ''}. Where paths coincide, the earlier path's wider line shows around the later one's, and each path has its own ${many ? '' : 'dash and '}point shape.${lines.length ? ` Dashed grey: ${lines.map((l) => l.label).join('; ')}.` : ''}`,
    spec,
  };
}

/** The charts of a sweep: throughput, CPU, tail latency and (when there are drops) loss, each as a line per path. */
export function sweepCharts(t: ResultTable, palette: ColourScale, ctx: ChartContext = {}): ChartSpec[] {
  const drops = t.columns.includes('drop_pct') && t.rows.some((_, i) => (numberAt(t, i, 'drop_pct') ?? 0) > 0);
  return [...METRICS, ...(drops ? [LOSS] : [])].map((m) => sweepChart(t, palette, m, ctx));
}
