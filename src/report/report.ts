import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import type { Row } from '../metrics/metrics.js';
import { columnsOf } from '../output/csv.js';
import { writeAtomic } from '../output/write.js';
import { InputError } from '../errors.js';
import { reportHtml, type ReportSection } from './html.js';
import { readTable } from './load.js';
import { colourOf, inPaletteOrder, pathPalette, type ColourScale } from './palette.js';
import { publishedCharts } from './published-charts.js';
import { renderCharts, type ChartSpec } from './render.js';
import { capacityCharts, zeroLossCharts } from './search-charts.js';
import { singleCharts } from './single-charts.js';
import { sweepCharts } from './sweep-charts.js';
import { classify, type ResultTable, type Table } from './table.js';

export type { ReportSection } from './html.js';

/** The charts that suit what the table holds. */
export function chartsFor(t: ResultTable, palette: ColourScale): ChartSpec[] {
  switch (t.kind) {
    case 'single':
      return singleCharts(t, palette);
    case 'sweep':
      return sweepCharts(t, palette);
    case 'zero-loss':
      return zeroLossCharts(t, palette);
    case 'capacity':
      return capacityCharts(t, palette);
    case 'published':
      return publishedCharts(t, palette);
  }
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** A line saying what a CSV holds, under its heading. */
export function summarize(t: ResultTable): string {
  const distinct = (col: string) => new Set(t.rows.map((r) => r[col])).size;
  const scenario = t.columns.includes('scenario')
    ? ` of scenario ${[...new Set(t.rows.map((r) => r.scenario))].join(', ')}`
    : '';
  const reps = t.columns.includes('replications')
    ? `, ${t.rows[0].replications} replications per point (mean and 95 % confidence interval)`
    : '';
  switch (t.kind) {
    case 'single':
      return `Single run${scenario}: ${count(distinct('path'), 'path')}${reps}.`;
    case 'sweep':
      return `Sweep${scenario} over ${t.swept.join(' x ')}: ${count(distinct(t.swept[0]), 'value')} of ${t.swept[0]}, ${count(distinct('path'), 'path')}${reps}.`;
    case 'zero-loss':
      return `RFC 2544 zero-loss search${scenario}: ${count(distinct('frame_bytes'), 'frame size')}, ${count(distinct('path'), 'path')}.`;
    case 'capacity':
      return `Capacity search${scenario} over ${t.rows[0].search_field}: ${count(distinct('path'), 'path')}.`;
    case 'published': {
      const claims = t.rows.filter((r) => r.metric.trim() === 'claim').length;
      return `Comparison with published figures: ${count(t.rows.length - claims, 'numeric comparison')} drawn${claims ? `, ${count(claims, 'qualitative claim')} not drawn` : ''}.`;
    }
  }
}

/**
 * The paths a table draws in their colours. A comparison's qualitative claims are not
 * drawn, and name pairs such as "paravirtual/native" that would otherwise take a colour.
 */
function pathsDrawn(t: ResultTable): string[] {
  const rows = t.kind === 'published' ? t.rows.filter((r) => r.metric.trim() !== 'claim') : t.rows;
  return rows.map((r) => r.path);
}

/** How a CSV is named on the page: relative to where the command runs, when it is below it. */
function displayName(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** A CSV's charts, drawn, with its heading and summary. */
export interface TableReport {
  table: ResultTable;
  section: ReportSection;
}

/**
 * Draws the charts of every table. All tables share one path palette, so a custom path has
 * one colour across the whole page too.
 */
export async function reportForTables(tables: Table[]): Promise<{ reports: TableReport[]; palette: ColourScale }> {
  const classified = tables.map(classify);
  const palette = pathPalette(classified.flatMap(pathsDrawn));
  const reports: TableReport[] = [];
  for (const [i, table] of classified.entries()) {
    const charts = await renderCharts(chartsFor(table, palette), `c${i + 1}`);
    reports.push({ table, section: { heading: displayName(table.file), summary: summarize(table), charts } });
  }
  return { reports, palette };
}

/** Rows as `iovsim run` produces them in memory, as the table their CSV would hold. */
export function tableOfRows(name: string, rows: Row[]): Table {
  const columns = columnsOf(rows);
  return {
    file: name,
    columns,
    rows: rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] === undefined ? '' : String(r[c])]))),
  };
}

/** The charts for rows in memory (no file read or written): for a caller that has just run them. */
export async function reportForRows(name: string, rows: Row[]): Promise<ReportSection> {
  if (rows.length === 0) throw new InputError('', 'at least one result row', 'none', name);
  const { reports } = await reportForTables([tableOfRows(name, rows)]);
  return reports[0].section;
}

/** Where a chart of `csvFile` is written: beside it, `<csv without .csv>.<chart>.svg`. */
export function svgFileFor(csvFile: string, chart: string): string {
  return join(dirname(csvFile), `${basename(csvFile).replace(/\.csv$/i, '')}.${chart}.svg`);
}

/** The page title: the CSVs' names. */
function titleFor(files: string[]): string {
  const names = files.map((f) => basename(f).replace(/\.csv$/i, ''));
  return `iovsim report: ${names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`}`;
}

/**
 * Reads the CSVs, draws their charts, writes each chart as an .svg beside its CSV and the
 * whole as one self-contained HTML page. Everything is read and drawn before anything is
 * written, so bad input leaves no file touched; every file is written atomically.
 * Returns the files written, the page last.
 */
export async function writeReport(csvFiles: string[], htmlFile: string): Promise<string[]> {
  if (csvFiles.length === 0) throw new InputError('files', 'at least one CSV file', 'none');
  const { reports, palette } = await reportForTables(csvFiles.map(readTable));
  const svgFiles = reports.map((r) => r.section.charts.map((c) => svgFileFor(r.table.file, c.name)));
  const used = inPaletteOrder(
    palette,
    reports.flatMap((r) => pathsDrawn(r.table)),
  );
  const html = reportHtml({
    title: titleFor(csvFiles),
    sections: reports.map((r) => r.section),
    key: used.map((path) => ({ path, colour: colourOf(palette, path)! })),
    svgFiles: svgFiles.map((fs) => fs.map((f) => basename(f))),
  });
  const written: string[] = [];
  reports.forEach((r, i) =>
    r.section.charts.forEach((c, k) => {
      writeAtomic(svgFiles[i][k], standaloneSvg(c.svg));
      written.push(svgFiles[i][k]);
    }),
  );
  writeAtomic(htmlFile, html);
  written.push(htmlFile);
  return written;
}

/** A standalone .svg file keeps its namespace declarations (a viewer needs them) and ends with a newline. */
function standaloneSvg(svg: string): string {
  return svg.endsWith('\n') ? svg : `${svg}\n`;
}
