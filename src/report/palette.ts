import { CAUSES } from '../model/causes.js';
import { BUILTIN_PATH_NAMES } from '../model/paths.js';

/** The built-in paths, in the order the model declares them. */
export const BUILTIN_PATHS: readonly string[] = BUILTIN_PATH_NAMES;

// One colour per built-in path, by its place in the model's list, fixed so that a reader who
// learns "sriov is green" in one chart can rely on it in every other chart and report.
const BUILTIN_COLOURS = [
  '#4c78a8',
  '#e45756',
  '#f58518',
  '#72b7b2',
  '#54a24b',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#edc948',
  '#79706e',
  '#17becf',
  '#bcbd22',
];
// Custom paths take these in the order the report first meets them; after ten they repeat,
// which is still readable because every chart also names the path on an axis or legend.
const CUSTOM_COLOURS = [
  '#b279a2',
  '#9d755d',
  '#eeca3b',
  '#ff9da6',
  '#bab0ac',
  '#8c6bb1',
  '#1b9e77',
  '#d95f02',
  '#7570b3',
  '#666666',
];

// Causes get a paler family than paths, so a stacked bar of causes is not mistaken for a
// comparison of paths.
const CAUSE_COLOURS = ['#8da0cb', '#66c2a5', '#fc8d62', '#e78ac3', '#a6d854', '#ffd92f', '#e5c494'];
/** Cycles that no cause accounts for (a path that delivered nothing has no cycles per packet). */
export const UNATTRIBUTED = 'unattributed';

/** An ordinal colour scale: domain[i] is drawn in range[i]. */
export interface ColourScale {
  domain: string[];
  range: string[];
}

/**
 * The path colour scale of one report: the built-in paths it draws, in the model's order,
 * each in its own fixed colour, then its custom paths. Built from the whole report rather
 * than per chart so that a custom path, too, keeps its colour across charts; built-ins the
 * report does not draw stay out of its legends.
 */
export function pathPalette(paths: Iterable<string>): ColourScale {
  const builtin: readonly string[] = BUILTIN_PATHS;
  const seen = new Set(paths);
  const custom = [...seen].filter((p) => !builtin.includes(p));
  const drawn = builtin.filter((p) => seen.has(p));
  return {
    domain: [...drawn, ...custom],
    range: [
      ...drawn.map((p) => BUILTIN_COLOURS[builtin.indexOf(p) % BUILTIN_COLOURS.length]),
      ...custom.map((_, i) => CUSTOM_COLOURS[i % CUSTOM_COLOURS.length]),
    ],
  };
}

/** The colour of `path` in `palette`. */
export function colourOf(palette: ColourScale, path: string): string | undefined {
  const i = palette.domain.indexOf(path);
  return i < 0 ? undefined : palette.range[i];
}

/** The paths that occur in `present`, in palette order, for axes and legends that should list only those. */
export function inPaletteOrder(palette: ColourScale, present: Iterable<string>): string[] {
  const set = new Set(present);
  return palette.domain.filter((p) => set.has(p));
}

/** The cause colour scale: the model's causes in its own order, then unattributed cycles. */
export function causePalette(): ColourScale {
  return { domain: [...CAUSES, UNATTRIBUTED], range: [...CAUSE_COLOURS, '#cccccc'] };
}
