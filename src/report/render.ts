import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View, Warn } from 'vega';

/** A chart as vega-lite describes it, with what the report says about it. */
export interface ChartSpec {
  /** File-name part: `<csv without .csv>.<name>.svg`. */
  name: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

/** A chart drawn: its SVG text as written to its .svg file. */
export interface RenderedChart extends Omit<ChartSpec, 'spec'> {
  svg: string;
}

/**
 * Collects what vega-lite and vega would print. A warning means a spec that does not draw
 * what it says (a dropped channel, an invalid scale), so it fails the render instead of
 * being lost on stderr.
 */
function strictLogger(chart: string) {
  let level = Warn;
  const fail = (...args: unknown[]): never => {
    throw new Error(`chart ${chart}: ${args.map(String).join(' ')}`);
  };
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error: fail,
    warn: fail,
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/**
 * Vega numbers clip paths and gradients from a counter that lives as long as the process,
 * so the same chart would get other ids on another run, and two SVGs inlined in one page
 * could share an id and clip each other's marks. Renaming every id by its order in this
 * SVG, under a prefix unique in the page, fixes both.
 */
export function renumberIds(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\bid="([^"]+)"/g)) if (!ids.has(m[1])) ids.set(m[1], `${prefix}-${ids.size + 1}`);
  if (ids.size === 0) return svg;
  return svg.replace(/(\bid="|url\(#|href="#)([^")]+)/g, (whole, lead: string, id: string) => {
    const to = ids.get(id);
    return to === undefined ? whole : `${lead}${to}`;
  });
}

/**
 * Compiles a vega-lite spec to vega and draws it to SVG text in Node. Renderer 'none' means
 * no canvas and no DOM: vega builds the scene graph and serializes it, so no browser (and no
 * native canvas package) is needed to produce a report.
 */
export async function renderSvg(chart: ChartSpec, idPrefix: string): Promise<string> {
  const logger = strictLogger(chart.name);
  const vgSpec = compile(chart.spec, { logger }).spec;
  const view = new View(parse(vgSpec), { renderer: 'none', logger, logLevel: Warn });
  try {
    return renumberIds(await view.toSVG(), idPrefix);
  } finally {
    view.finalize();
  }
}

/** Draws every chart; `prefix` keeps ids distinct between the CSVs of one page. */
export async function renderCharts(charts: ChartSpec[], prefix: string): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  for (const { spec, ...rest } of charts)
    out.push({ ...rest, svg: await renderSvg({ spec, ...rest }, `${prefix}-${rest.name}`) });
  return out;
}
