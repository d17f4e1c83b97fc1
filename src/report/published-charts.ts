import type { TopLevelSpec } from 'vega-lite';
import type { ChartSpec } from './render.js';
import { inPaletteOrder, type ColourScale } from './palette.js';
import { numberAt, type ResultTable } from './table.js';
import { CONFIG, WIDTH } from './style.js';

/** Published figures are drawn in grey: they belong to no path of ours, so they take no path colour. */
const PUBLISHED = 'published';
const PUBLISHED_COLOUR = '#9e9e9e';
/**
 * Height per result: room for its four-line label. The label width limit is off because
 * vega, measuring no font in Node, overestimates widths and would cut scenario names short.
 */
const STEP = 56;

/** A unit as a file-name part: "Gbit/s" -> "gbit-s", "%" -> "pct". */
export function unitSlug(unit: string): string {
  const s = unit
    .replace(/%/g, 'pct')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'none';
}

interface Comparison {
  key: string;
  path: string;
  unit: string;
  published: number | null;
  low: number | null;
  high: number | null;
  simulated: number | null;
}

/**
 * Published against simulated, side by side per result and metric, one chart per unit:
 * Gbit/s and a share of the CPU on one axis would make one of them unreadable. Rows whose
 * metric is `claim` are qualitative findings with no number to draw.
 */
export function publishedCharts(t: ResultTable, palette: ColourScale): ChartSpec[] {
  const rows: Comparison[] = t.rows.flatMap((r, i) => {
    if (r.metric.trim() === 'claim') return [];
    const c = {
      // One bar pair per row, even when two rows share id, path and metric (R1 at two MTUs):
      // the row number keeps keys apart, and the axis shows the rest as lines of its label.
      key: [String(i), `${r.id} ${r.path}`, r.scenario ?? '', r.metric, r.result ?? ''].join('|'),
      path: r.path,
      unit: r.unit.trim(),
      published: numberAt(t, i, 'published'),
      low: numberAt(t, i, 'published_low'),
      high: numberAt(t, i, 'published_high'),
      simulated: numberAt(t, i, 'simulated'),
    };
    return c.published === null && c.simulated === null && (c.low === null || c.high === null) ? [] : [c];
  });
  const units = [...new Set(rows.map((r) => r.unit))];
  return units.map((unit) =>
    comparisonChart(
      rows.filter((r) => r.unit === unit),
      unit,
      palette,
    ),
  );
}

function comparisonChart(rows: Comparison[], unit: string, palette: ColourScale): ChartSpec {
  const bars = rows.flatMap((r) => [
    ...(r.published !== null ? [{ key: r.key, series: PUBLISHED, colour: PUBLISHED, value: r.published }] : []),
    ...(r.simulated !== null ? [{ key: r.key, series: 'simulated', colour: r.path, value: r.simulated }] : []),
  ]);
  const ranges = rows
    .filter((r) => r.low !== null && r.high !== null)
    .map((r) => ({ key: r.key, series: PUBLISHED, low: r.low, high: r.high }));
  const paths = inPaletteOrder(
    palette,
    rows.map((r) => r.path),
  );
  const keys = [...new Set(rows.map((r) => r.key))];
  const label = unit || 'value';
  // Results run down the page, one band each, so any number of them stays readable at the
  // page's width; the bars run across, published above simulated.
  const y = {
    field: 'key',
    type: 'nominal' as const,
    sort: keys,
    title: null,
    axis: { labelExpr: "slice(split(datum.label, '|'), 1)", labelLimit: 0, labelFontSize: 10, labelPadding: 6 },
  };
  const yOffset = { field: 'series', type: 'nominal' as const, scale: { domain: [PUBLISHED, 'simulated'] } };
  const x = { type: 'quantitative' as const, title: label };
  const title = `Published vs simulated (${label})`;
  const spec: TopLevelSpec = {
    config: CONFIG,
    title: {
      text: title,
      subtitle: 'per result: grey bar published, coloured bar simulated; black rule: published range',
    },
    width: WIDTH,
    height: { step: STEP, for: 'position' },
    encoding: { y, yOffset },
    layer: [
      {
        data: { values: bars },
        mark: { type: 'bar' },
        encoding: {
          x: { ...x, field: 'value' },
          color: {
            field: 'colour',
            type: 'nominal',
            title: 'bar',
            scale: { domain: [...palette.domain, PUBLISHED], range: [...palette.range, PUBLISHED_COLOUR] },
            legend: { values: [PUBLISHED, ...paths] },
          },
        },
      },
      {
        data: { values: bars },
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#333' },
        encoding: { x: { ...x, field: 'value' }, text: { field: 'value', type: 'quantitative', format: '.3~g' } },
      },
      ...(ranges.length > 0
        ? [
            {
              data: { values: ranges },
              layer: [
                {
                  mark: { type: 'rule' as const, color: '#111', strokeWidth: 2 },
                  encoding: { x: { ...x, field: 'low' }, x2: { field: 'high' } },
                },
                {
                  mark: { type: 'tick' as const, color: '#111', thickness: 2, size: 12 },
                  encoding: { x: { ...x, field: 'low' } },
                },
                {
                  mark: { type: 'tick' as const, color: '#111', thickness: 2, size: 12 },
                  encoding: { x: { ...x, field: 'high' } },
                },
              ],
            },
          ]
        : []),
    ],
  };
  return {
    name: `published-${unitSlug(unit)}`,
    title,
    caption: `Each published figure in ${label} (grey, with its published range as a black rule where the source gives one) next to what iovsim simulates for the same testbed (in the path's colour). Qualitative claims are not drawn.`,
    spec,
  };
}
