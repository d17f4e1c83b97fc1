import type { RenderedChart } from './render.js';

/** A table of the key numbers: column labels, then rows of cells as shown. */
export interface KeyTable {
  columns: string[];
  rows: string[][];
}

/** One CSV's part of the page. */
export interface ReportSection {
  /** The CSV as named on the page. */
  heading: string;
  /** What the CSV holds, in a line. */
  summary: string;
  /** The question the run asked (`name: description`), when the scenario is known. */
  question?: string;
  /** What the run was: host, NIC, VMs, traffic, study, objectives, run; label and value. */
  facts?: [string, string][];
  /** What produced the CSV, in words, when known. */
  provenance?: string;
  /** The key numbers, one row per CSV row. */
  table?: KeyTable;
  charts: RenderedChart[];
}

/** Rows shown as an open table; more go in a collapsed one. */
const OPEN_ROWS = 12;

function keyTableHtml(t: KeyTable): string {
  const head = `<tr>${t.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = t.rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">` : '<td>') + escapeHtml(c) + (i === 0 ? '</th>' : '</td>')).join('')}</tr>`,
    )
    .join('\n');
  const table = `<table class="key">\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
  return t.rows.length <= OPEN_ROWS
    ? `<h3>Key numbers</h3>\n${table}`
    : `<details class="key"><summary>Key numbers: ${t.rows.length} rows</summary>\n${table}\n</details>`;
}

function questionHtml(s: ReportSection): string {
  const facts = s.facts?.length
    ? `<dl class="facts">\n${s.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('\n')}\n</dl>`
    : '';
  const provenance = s.provenance ? `<p class="provenance">Produced by ${escapeHtml(s.provenance)}</p>` : '';
  return [s.question ? `<p class="question">${escapeHtml(s.question)}</p>` : '', facts, provenance]
    .filter(Boolean)
    .join('\n');
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * An SVG as an element of an HTML page. Inline SVG needs no namespace declarations (the HTML
 * parser puts <svg> in the SVG namespace), and dropping them leaves the page with no URL in
 * it at all, which makes "this page loads nothing" checkable by a plain text search.
 */
export function inlineSvg(svg: string, label: string): string {
  return svg
    .replace(/^<\?xml[^>]*>\s*/, '')
    .replace(/\s+xmlns(:\w+)?="[^"]*"/g, '')
    .replace(/^<svg\b/, `<svg role="img" aria-label="${escapeHtml(label)}"`);
}

/**
 * Everything the page needs is in the file: styles inline, charts as inline SVG, no script.
 * The content security policy forbids every fetch, so even a stray reference in a chart
 * could not reach the network; the icon link stops the browser asking for /favicon.ico.
 */
const HEAD = `<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<link rel="icon" href="data:,">`;

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #222; margin: 0 auto; padding: 1.5rem; max-width: 1400px; line-height: 1.4; }
h1 { font-size: 1.6rem; margin: 0 0 0.25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.25rem; padding-top: 1rem; border-top: 1px solid #ddd; font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
p.summary, p.lead { margin: 0 0 1rem; color: #555; }
.charts { display: flex; flex-wrap: wrap; gap: 1.25rem; align-items: flex-start; }
figure.chart { margin: 0; padding: 0.5rem; border: 1px solid #e3e3e3; border-radius: 4px; background: #fff; max-width: 100%; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #444; max-width: 36rem; margin-top: 0.4rem; }
figcaption .file { display: block; color: #777; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.75rem; }
ul.key { list-style: none; display: flex; flex-wrap: wrap; gap: 1rem; padding: 0; margin: 0 0 1rem; font-size: 0.9rem; }
ul.key .swatch { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.35em; vertical-align: -0.1em; border-radius: 2px; }
p.question { font-size: 1.1rem; font-weight: 600; margin: 0.25rem 0 0.5rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; margin: 0 0 0.75rem; font-size: 0.9rem; }
dl.facts dt { color: #555; font-weight: 600; }
dl.facts dd { margin: 0; }
p.provenance { font-size: 0.8rem; color: #666; margin: 0 0 0.75rem; }
h3 { font-size: 1rem; margin: 0.75rem 0 0.25rem; }
table.key { border-collapse: collapse; font-size: 0.85rem; margin: 0 0 1rem; font-variant-numeric: tabular-nums; }
table.key th, table.key td { padding: 0.2rem 0.6rem; border-bottom: 1px solid #e3e3e3; text-align: right; }
table.key thead th { border-bottom: 2px solid #bbb; vertical-align: bottom; }
table.key tbody th { text-align: left; font-weight: 600; }
details.key { margin: 0 0 1rem; }
details.key summary { cursor: pointer; font-weight: 600; margin-bottom: 0.4rem; }
@media print { figure.chart { break-inside: avoid; } }
`;

export interface PageOptions {
  title: string;
  sections: ReportSection[];
  /** The paths of the report with their colours, shown once at the top. */
  key?: { path: string; colour: string }[];
  /** For each section and chart, the .svg file it was also written to. */
  svgFiles?: string[][];
}

/** The report page: a heading per CSV, and each of its charts with a caption. */
export function reportHtml({ title, sections, key = [], svgFiles = [] }: PageOptions): string {
  const body = sections
    .map((s, i) => {
      const figures = s.charts
        .map((c, k) => {
          const file = svgFiles[i]?.[k];
          return `<figure class="chart" data-chart="${escapeHtml(c.name)}">
${inlineSvg(c.svg, c.title)}
<figcaption>${escapeHtml(c.caption)}${file ? `<span class="file">${escapeHtml(file)}</span>` : ''}</figcaption>
</figure>`;
        })
        .join('\n');
      return `<section>
<h2>${escapeHtml(s.heading)}</h2>
${questionHtml(s)}
<p class="summary">${escapeHtml(s.summary)}</p>
${s.table ? keyTableHtml(s.table) : ''}
<div class="charts">
${figures}
</div>
</section>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
${HEAD}
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="lead">Charts drawn by iovsim from its result CSVs. A path has the same colour in every chart${key.length ? ':' : '.'}</p>
${key.length ? `<ul class="key">${key.map((k) => `<li><span class="swatch" style="background:${escapeHtml(k.colour)}"></span>${escapeHtml(k.path)}</li>`).join('')}</ul>` : ''}
${body}
</body>
</html>
`;
}
