import type { TopLevelSpec } from 'vega-lite';
import { InputError } from '../errors.js';
import type { ChartSpec } from './render.js';
import { inPaletteOrder, type ColourScale } from './palette.js';
import { numberAt, type ResultTable } from './table.js';
import { fieldLabel } from '../scenario/reference.js';
import {
  CONFIG,
  HEIGHT,
  WIDTH,
  pathColour,
  pathDash,
  pathPointSize,
  pathShape,
  pathStrokeWidth,
  shortNumber,
  PATH_KEY,
} from './style.js';

/**
 * RFC 2544 results as a line per path over frame size. Frame sizes sit on a log axis, to
 * scale: the standard sizes roughly double, and on a linear axis 64 to 512 B would crowd
 * into the left eighth where paths differ most.
 */
function zeroLossChart(
  t: ResultTable,
  palette: ColourScale,
  column: string,
  name: string,
  title: string,
  axis: string,
  caption: string,
): ChartSpec {
  const values = t.rows
    .map((r, i) => ({
      path: r.path,
      [PATH_KEY]: r.path,
      frame: numberAt(t, i, 'frame_bytes'),
      y: numberAt(t, i, column),
    }))
    .filter((v) => v.frame !== null && v.y !== null);
  const paths = inPaletteOrder(
    palette,
    values.map((v) => v.path),
  );
  const frames = [...new Set(values.map((v) => v.frame!))].sort((a, b) => a - b);
  const spec: TopLevelSpec = {
    config: CONFIG,
    title: { text: title, subtitle: 'one line per path over frame size (RFC 2544); frame size on a log scale' },
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    encoding: {
      x: {
        field: 'frame',
        type: 'quantitative',
        title: fieldLabel('traffic.frame_bytes').replace(/\)$/, '; bytes, log scale)'),
        scale: { type: 'log', base: 2, domain: [frames[0], frames[frames.length - 1]] },
        axis: { values: frames, labelAngle: 0, format: 'd' },
      },
      y: { field: 'y', type: 'quantitative', title: axis },
      color: pathColour(palette, paths, true),
    },
    layer: [
      {
        mark: { type: 'line' },
        encoding: { strokeWidth: pathStrokeWidth(palette), strokeDash: pathDash(palette, paths) },
      },
      {
        mark: { type: 'point', filled: true, opacity: 1 },
        encoding: { size: pathPointSize(palette), shape: pathShape(palette, paths) },
      },
    ],
  };
  return { name, title, caption, spec };
}

/** The two charts of a zero-loss search: the load each path takes without loss, and what that delivers. */
export function zeroLossCharts(t: ResultTable, palette: ColourScale): ChartSpec[] {
  return [
    zeroLossChart(
      t,
      palette,
      'zero_loss_load_pct',
      'zero-loss-load',
      'Zero-loss load per frame size (% of line rate)',
      'zero-loss load (% of line rate)',
      "The highest offered load, as a share of line rate in wire bits, that each path carries without loss (RFC 2544 zero-loss throughput), for each frame size. Where paths coincide, the earlier path's wider line shows around the later one's.",
    ),
    zeroLossChart(
      t,
      palette,
      'delivered_gbps',
      'zero-loss-gbps',
      'Throughput at the zero-loss load (Gbit/s)',
      'delivered (Gbit/s)',
      "Delivered throughput in Gbit/s (frame bits) at each path's zero-loss load, for each frame size. Small frames cost the same per packet as large ones, so the per-packet paths fall furthest below line rate there.",
    ),
  ];
}

/**
 * A capacity cell is a number (VMs), a rate with its unit ("1.5 Gbit/s" per VM), or
 * "none (fails at ...)" when even the lower end fails the SLOs.
 */
function capacityValue(text: string, t: ResultTable, i: number): { value: number; unit?: string; none: boolean } {
  const s = text.trim();
  if (s.startsWith('none')) return { value: 0, none: true };
  const m = /^(-?[0-9.]+(?:[eE][+-]?[0-9]+)?)\s*(\S.*)?$/.exec(s);
  if (!m || !Number.isFinite(Number(m[1])))
    throw new InputError(
      `line ${i + 2}, column capacity`,
      'a number, a rate such as "1.5 Gbit/s", or "none (...)"',
      JSON.stringify(text),
      t.file,
    );
  return { value: Number(m[1]), unit: m[2], none: false };
}

/** Capacity per path as horizontal bars, each labelled with the constraint that binds just above it. */
export function capacityCharts(t: ResultTable, palette: ColourScale): ChartSpec[] {
  const field = t.rows[0].search_field;
  const values = t.rows.map((r, i) => {
    const c = capacityValue(r.capacity, t, i);
    const binding = r.binding_constraint ?? '';
    return {
      path: r.path,
      capacity: c.value,
      unit: c.unit,
      label: `${c.none ? 'none' : shortNumber(c.value)}${binding ? `  (${binding})` : ''}`,
    };
  });
  const unit = field === 'vms.count' ? 'VMs' : (values.find((v) => v.unit)?.unit ?? field);
  const paths = inPaletteOrder(
    palette,
    values.map((v) => v.path),
  );
  const title = `Capacity per path: largest ${field} meeting the SLOs (${unit})`;
  const spec: TopLevelSpec = {
    config: CONFIG,
    title: { text: title, subtitle: 'label: the capacity, and the constraint that fails just above it' },
    width: WIDTH,
    height: { step: 34 },
    data: { values },
    encoding: {
      y: { field: 'path', type: 'nominal', sort: paths, title: 'path' },
      // The axis runs past the longest bar to leave room for its label.
      x: {
        field: 'capacity',
        type: 'quantitative',
        title: fieldLabel(field).replace(/\)$/, `; ${unit})`),
        scale: { domainMax: Math.max(1, ...values.map((v) => v.capacity)) * 1.9 },
      },
    },
    layer: [
      { mark: { type: 'bar' }, encoding: { color: pathColour(palette, paths, false) } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 }, encoding: { text: { field: 'label' } } },
    ],
  };
  return [
    {
      name: 'capacity',
      title,
      caption: `For each path, the largest ${field} (${unit}) for which every service-level objective still holds, found by bisection; the label names the binding constraint: the objectives that fail just above the capacity, a NIC limit, or the end of the searched range.`,
      spec,
    },
  ];
}
