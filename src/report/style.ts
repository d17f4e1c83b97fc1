import type { Config } from 'vega-lite';
import type { ColourScale } from './palette.js';
import { inPaletteOrder } from './palette.js';

/**
 * Look shared by every chart. Fonts are generic families only: the report must load
 * nothing, so a web font is out, and the reader's own sans-serif is what vega's text
 * measurement assumes anyway.
 */
export const CONFIG: Config = {
  background: 'white',
  font: 'sans-serif',
  padding: 8,
  view: { stroke: null },
  title: { anchor: 'start', fontSize: 14, fontWeight: 'bold', subtitleFontSize: 11, subtitleColor: '#555' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal' },
  bar: { discreteBandSize: { band: 0.8 } },
};

export const WIDTH = 440;
export const HEIGHT = 260;

/**
 * A log axis when the values span more than a factor of 20: latency runs from tens of
 * microseconds on a fast path to milliseconds behind a saturated switch, and on a linear
 * axis the fast paths would be invisible slivers.
 */
export function wantsLog(values: (number | null)[]): boolean {
  const xs = values.filter((x): x is number => x !== null);
  if (xs.length === 0 || xs.some((x) => x <= 0)) return false;
  return Math.max(...xs) / Math.min(...xs) > 20;
}

/**
 * The colour channel for a path field. The scale carries the whole palette, so a path has
 * the same colour whatever else the chart shows; the legend lists only the paths present.
 */
export function pathColour(palette: ColourScale, present: Iterable<string>, legend: boolean, field = 'path') {
  return {
    field,
    type: 'nominal' as const,
    title: 'path',
    scale: { domain: palette.domain, range: palette.range },
    legend: legend ? { values: inPaletteOrder(palette, present) } : null,
  };
}

/**
 * A copy of the path field for widths and sizes. On the path field itself vega-lite would
 * merge their (hidden) legends with the colour legend and hide that too.
 */
export const PATH_KEY = 'path_key';

/**
 * Lines of different paths often coincide (three paths at line rate draw one line). Paths
 * earlier in the palette are drawn wider and later ones narrower on top, so every line
 * stays visible as a coloured edge around the next.
 */
export function pathStrokeWidth(palette: ColourScale, field = PATH_KEY) {
  return {
    field,
    type: 'ordinal' as const,
    sort: palette.domain,
    scale: {
      type: 'ordinal' as const,
      domain: palette.domain,
      range: palette.domain.map((_, i) => Math.max(1.5, 5.5 - 1 * i)),
    },
    legend: null,
  };
}

/** Point sizes for the same reason as pathStrokeWidth: a point of a later path sits inside the earlier one's. */
export function pathPointSize(palette: ColourScale, field = PATH_KEY) {
  return {
    field,
    type: 'ordinal' as const,
    sort: palette.domain,
    scale: {
      type: 'ordinal' as const,
      domain: palette.domain,
      range: palette.domain.map((_, i) => Math.max(16, 110 - 22 * i)),
    },
    legend: null,
  };
}

/** Shortest readable text for a number, for value labels on bars. */
export function shortNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1000) return String(Math.round(x));
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** Dash patterns by path, so coinciding lines stay apart: solid for the first, then ever finer dashes. */
const DASHES = [
  [1, 0],
  [8, 4],
  [2, 3],
  [12, 3, 2, 3],
  [5, 2],
  [1, 4],
  [16, 4],
  [8, 2, 2, 2, 2, 2],
];
/** Point shapes by path, for the same reason. */
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-right', 'stroke'];

/**
 * The dash of a path's line. On the path field itself, with the colour channel's title and
 * legend values, so vega-lite draws one legend showing colour and dash together.
 */
export function pathDash(palette: ColourScale, present: Iterable<string>) {
  return {
    field: 'path',
    type: 'nominal' as const,
    title: 'path',
    scale: { domain: palette.domain, range: palette.domain.map((_, i) => DASHES[i % DASHES.length]) },
    legend: { values: inPaletteOrder(palette, present) },
  };
}

/** The shape of a path's points; merged into the path legend like pathDash. */
export function pathShape(palette: ColourScale, present: Iterable<string>) {
  return {
    field: 'path',
    type: 'nominal' as const,
    title: 'path',
    scale: { domain: palette.domain, range: palette.domain.map((_, i) => SHAPES[i % SHAPES.length]) },
    legend: { values: inPaletteOrder(palette, present) },
  };
}

/** A horizontal reference line: an objective or a ceiling, with its label at the right end. */
export interface RefLine {
  value: number;
  label: string;
}

/**
 * Reference lines as a layer: dashed grey rules across the plot, each labelled, on the
 * chart's y scale (`y` gives its title and scale, so the axis stays one).
 */
export function refLayer(lines: RefLine[], y: { title: string; scale?: object }) {
  const enc = {
    y: { field: 'value', type: 'quantitative' as const, title: y.title, ...(y.scale ? { scale: y.scale } : {}) },
  };
  return {
    data: { values: lines },
    layer: [
      { mark: { type: 'rule' as const, color: '#444', strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: enc },
      {
        mark: {
          type: 'text' as const,
          align: 'right' as const,
          baseline: 'bottom' as const,
          x: 'width' as const,
          dx: -3,
          dy: -3,
          fontSize: 10,
          color: '#333',
        },
        encoding: { ...enc, text: { field: 'label', type: 'nominal' as const } },
      },
    ],
  };
}

/** What the charts of a CSV may draw besides its rows: objectives and the host's cores. */
export interface ChartContext {
  p99LatencyUs?: number;
  lossPct?: number;
  cpuPct?: number;
  /** The host's cores: the ceiling of any cores-used axis. */
  hostCores?: number;
}
