import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Row } from '../metrics/metrics.js';
import { toLongTable, toTable } from '../output/table.js';
import { readScenarioData } from '../scenario/load.js';

/**
 * Tables of committed results, as `iovsim run` prints them, for the docs: rendered from the
 * committed CSVs (which test/results.test.ts holds to what the scenarios produce), so a page
 * that quotes a result cannot fall behind a change in the model (test/docs.test.ts).
 */

/** A committed CSV's rows as the run had them: numbers as numbers, a column a row lacked absent. */
function rowsOf(root: string, csv: string): Row[] {
  const records = parse(readFileSync(root + csv, 'utf8'), { columns: true, cast: true }) as Row[];
  return records.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== '')));
}

function titleOf(root: string, scenario: string): string {
  const s = readScenarioData(root + scenario) as { name?: string; description?: string };
  return `${s.name}: ${s.description ?? ''}`.replace(/: $/, '');
}

export interface ResultTableOptions {
  /** Keep the first `head` and last `tail` rows, with "..." between them; default all. */
  head?: number;
  tail?: number;
  /** Start with the command that produced it. */
  command?: boolean;
}

/**
 * The terminal table of a committed result, in a code block: the paths side by side for a
 * single point, one line per row for sweeps and searches (as `iovsim run` chooses).
 */
export function resultTable(root: string, scenario: string, csv: string, o: ResultTableOptions = {}): string {
  const rows = rowsOf(root, csv);
  const title = titleOf(root, scenario);
  const data = readScenarioData(root + scenario) as { sweep?: Record<string, unknown>; search?: unknown };
  const single = data.sweep === undefined && data.search === undefined;
  let lines = (single ? toTable(title, rows) : toLongTable(title, rows, Object.keys(data.sweep ?? {})))
    .trimEnd()
    .split('\n');
  const { head, tail } = o;
  // The title and header stay; `head` and `tail` count rows of results.
  if (head !== undefined && tail !== undefined && lines.length > 2 + head + tail)
    lines = [...lines.slice(0, 2 + head), '...', ...lines.slice(lines.length - tail)];
  const command = o.command ? [`$ npx iovsim run ${scenario}`] : [];
  return ['```', ...command, ...lines, '```'].join('\n');
}

/** A markdown cell: pipes escaped, one line. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * The comparison with published figures (a committed published.csv) as a markdown table:
 * per check, the published figure or claim, what iovsim simulates or finds, and the result;
 * then the count of passes and failures.
 */
export function publishedTable(root: string, csv: string): string {
  const rows = parse(readFileSync(root + csv, 'utf8'), { columns: true }) as Record<string, string>[];
  const unit = (u: string) => (u ? ` ${u}` : '');
  const lines = ['| id | scenario / path | published | iovsim | result |', '|---|---|---|---|---|'];
  for (const r of rows) {
    const claim = r.metric === 'claim';
    const figure = r.published !== '' ? r.published : `${r.published_low}-${r.published_high}`;
    const published = claim ? r.claim : `${r.metric} ${figure}${unit(r.unit)}`;
    const simulated = claim
      ? r.finding
      : `${r.simulated}${unit(r.unit)}${r.error_pct !== '' && r.error_pct !== '0' ? ` (${Number(r.error_pct) > 0 ? '+' : ''}${r.error_pct} %)` : ''}`;
    lines.push(`| ${[r.id, `${r.scenario} / ${r.path}`, published, simulated, r.result].map(cell).join(' | ')} |`);
  }
  const passed = rows.filter((r) => r.result === 'pass').length;
  const failed = rows.filter((r) => r.result === 'fail').length;
  return [...lines, '', `${passed} passed, ${failed} failed.`].join('\n');
}

const ids = (list: string): string =>
  [...new Set(list.split('; ').filter(Boolean).map((k) => k.split(' ')[0]))].join(', ') || '-';

/** A committed sensitivity.csv as a table: per cost, how many published checks fail with it scaled. */
export function sensitivityTable(root: string, csv: string): string {
  const rows = parse(readFileSync(root + csv, 'utf8'), { columns: true }) as Record<string, string>[];
  const lines = ['| cost | default | checks constraining | fail at x0.75 | fail at x1.25 |', '|---|---|---|---|---|'];
  for (const r of rows)
    lines.push(
      `| \`${r.cost}\` | ${r.default} | ${r.checks_constraining} | ${ids(r.fail_at_0_75)} | ${ids(r.fail_at_1_25)} |`,
    );
  return lines.join('\n') + '\n';
}

/** Key numbers of a committed single-point result, one column per path, as a markdown table. */
export function pathsSummary(root: string, csv: string): string {
  const rows = rowsOf(root, csv);
  const metrics: [string, string, (v: number) => string][] = [
    ['TCP payload (Gbit/s)', 'tcp_payload_gbps', (v) => v.toFixed(1)],
    ['cores used', 'cores_used', (v) => v.toFixed(2)],
    ['cores per 10 Gbit/s', 'cores_per_10gbps', (v) => v.toFixed(2)],
    ['cycles per packet', 'cycles_per_pkt', (v) => v.toFixed(0)],
    ['VM exits per packet', 'vm_exits_per_pkt', (v) => v.toFixed(2)],
    ['latency p99 (us)', 'latency_p99_us', (v) => v.toFixed(0)],
  ];
  const lines = [`| | ${rows.map((r) => r.path).join(' | ')} |`, `|---|${rows.map(() => '---:').join('|')}|`];
  for (const [label, col, f] of metrics) lines.push(`| ${label} | ${rows.map((r) => f(Number(r[col]))).join(' | ')} |`);
  return lines.join('\n') + '\n';
}
