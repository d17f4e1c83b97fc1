import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import type { Row } from '../metrics/metrics.js';
import { columnsOf } from '../output/csv.js';
import { fmt, keyColumns } from '../output/table.js';
import { writeAtomic } from '../output/write.js';
import { InputError } from '../errors.js';
import { reportHtml, type KeyTable, type ReportSection } from './html.js';
import { readTable } from './load.js';
import { colourOf, inPaletteOrder, pathPalette, type ColourScale } from './palette.js';
import { publishedCharts } from './published-charts.js';
import { renderCharts, type ChartSpec } from './render.js';
import { capacityCharts, zeroLossCharts } from './search-charts.js';
import { columnLabel, provenanceText, type RunContext } from './question.js';
import { singleCharts } from './single-charts.js';
import type { ChartContext } from './style.js';
import { sweepCharts } from './sweep-charts.js';
import { classify, type ResultTable, type Table } from './table.js';

export type { ReportSection } from './html.js';
export type { RunContext } from './question.js';

/** The charts that suit what the table holds. */
export function chartsFor(t: ResultTable, palette: ColourScale, ctx: ChartContext = {}): ChartSpec[] {
  switch (t.kind) {
    case 'single':
      return singleCharts(t, palette, ctx);
    case 'sweep':
      return sweepCharts(t, palette, ctx);
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

/** The host's cores, known from a result CSV by its per-core columns (core0_util_pct, ...). */
export function coresOf(t: Table): number | undefined {
  const n = t.columns.filter((c) => /^core\d+_util_pct$/.test(c)).length;
  return n > 0 ? n : undefined;
}

/** What a result CSV says of its run by itself, when the scenario is not at hand. */
function factsOfTable(t: ResultTable): [string, string][] {
  const distinct = (col: string) => [...new Set(t.rows.map((r) => r[col]))].filter((v) => v !== undefined && v !== '');
  const facts: [string, string][] = [];
  const cores = coresOf(t);
  if (cores !== undefined) facts.push(['host', `${cores} cores`]);
  if (t.columns.includes('vms')) facts.push(['VMs', distinct('vms').join(', ')]);
  if (t.columns.includes('direction'))
    facts.push([
      'traffic',
      distinct('direction')
        .map((d) => (d === 'rx' ? 'receive' : 'transmit'))
        .join(', '),
    ]);
  return facts;
}

/** A cell of the key table: the value, with its 95 % half-width when replicated. */
function keyCell(row: Record<string, string>, column: string): string {
  const num = (v: string | undefined) =>
    v === undefined || v.trim() === '' || !Number.isFinite(Number(v)) ? v : Number(v);
  const value = fmt(num(row[column]));
  const ci = row[`${column}_ci95`];
  return ci !== undefined && ci !== '' ? `${value} ± ${fmt(num(ci))}` : value;
}

/** The key numbers of a table: the columns the terminal's long table shows, labelled from their declarations. */
export function keyTable(t: ResultTable): KeyTable {
  const published = [
    'id',
    'scenario',
    'path',
    'metric',
    'published',
    'published_low',
    'published_high',
    'simulated',
    'result',
  ];
  const columns =
    t.kind === 'published'
      ? published.filter((c) => t.columns.includes(c))
      : keyColumns(new Set(t.columns), t.swept).filter((c) => !c.endsWith('_ci95'));
  // A single point's table leads with the path; others with their keys, then the path.
  return {
    columns: columns.map((c) => (t.swept.includes(c) || t.kind === 'published' ? c : columnLabel(c))),
    rows: t.rows.map((r) => columns.map((c) => keyCell(r, c))),
  };
}

/**
 * Draws the charts of every table. All tables share one path palette, so a custom path has
 * one colour across the whole page too. `contexts[i]`, when given, says what table i's run
 * asked and what produced it.
 */
export async function reportForTables(
  tables: Table[],
  contexts: (RunContext | undefined)[] = [],
): Promise<{ reports: TableReport[]; palette: ColourScale }> {
  const classified = tables.map(classify);
  const palette = pathPalette(classified.flatMap(pathsDrawn));
  const reports: TableReport[] = [];
  for (const [i, table] of classified.entries()) {
    const context = contexts[i];
    const q = context?.question;
    const ctx: ChartContext = { ...q?.slo, hostCores: q?.hostCores ?? coresOf(table) };
    const charts = await renderCharts(chartsFor(table, palette, ctx), `c${i + 1}`);
    reports.push({
      table,
      section: {
        heading: displayName(table.file),
        summary: summarize(table),
        question: q?.title,
        facts: q?.facts ?? factsOfTable(table),
        provenance: context?.provenance && provenanceText(context.provenance),
        table: keyTable(table),
        charts,
      },
    });
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
export async function reportForRows(name: string, rows: Row[], context?: RunContext): Promise<ReportSection> {
  if (rows.length === 0) throw new InputError('', 'at least one result row', 'none', name);
  const { reports } = await reportForTables([tableOfRows(name, rows)], [context]);
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
 * whole as one self-contained HTML page; `contexts[i]` is what CSV i's run asked and what
 * produced it, when known. Everything is read and drawn before anything is
 * written, so bad input leaves no file touched; every file is written atomically.
 * Returns the files written, the page last.
 */
export async function writeReport(
  csvFiles: string[],
  htmlFile: string,
  contexts: (RunContext | undefined)[] = [],
): Promise<string[]> {
  if (csvFiles.length === 0) throw new InputError('files', 'at least one CSV file', 'none');
  const { reports, palette } = await reportForTables(csvFiles.map(readTable), contexts);
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
