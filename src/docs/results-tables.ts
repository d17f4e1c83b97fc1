import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTable, type Table } from '../report/table.js';

/**
 * Docs tables rendered from committed results (`npm run results` writes them, `npm run docs`
 * renders these): a figure on a docs page is always the one the committed CSV holds.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string): Table => parseTable(readFileSync(root + file, 'utf8'), file);
const ids = (list: string): string =>
  [...new Set(list.split('; ').filter(Boolean).map((k) => k.split(' ')[0]))].join(', ') || '-';

/** results/published.csv as a table: every published check, what was simulated, pass or fail. */
export function comparisonTable(): string {
  const t = read('results/published.csv');
  const lines = ['| id | scenario / path | published | simulated | result |', '|---|---|---|---|---|'];
  for (const r of t.rows) {
    const published =
      r.metric === 'claim'
        ? r.published
        : `${r.metric} ${r.published_low ? `${r.published_low}-${r.published_high}` : r.published} ${r.unit}`;
    const simulated = r.error_pct ? `${r.simulated} (${Number(r.error_pct) > 0 ? '+' : ''}${r.error_pct} %)` : r.simulated;
    lines.push(`| ${r.id} | ${r.scenario} / ${r.path} | ${published} | ${simulated} | ${r.result} |`);
  }
  return lines.join('\n') + '\n';
}

/** results/sensitivity.csv as a table: per cost, how many published checks fail with it scaled. */
export function sensitivityTable(): string {
  const t = read('results/sensitivity.csv');
  const lines = [
    '| cost | default | checks constraining | fail at x0.75 | fail at x1.25 |',
    '|---|---|---|---|---|',
  ];
  for (const r of t.rows) {
    lines.push(
      `| \`${r.cost}\` | ${r.default} | ${r.checks_constraining} | ${ids(r.fail_at_0_75)} | ${ids(r.fail_at_1_25)} |`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Key numbers of one committed single-point result CSV, one column per path. */
export function pathsSummary(file: string): () => string {
  return () => {
    const t = read(file);
    const rows: [string, string, (v: number) => string][] = [
      ['TCP payload (Gbit/s)', 'tcp_payload_gbps', (v) => v.toFixed(1)],
      ['cores used', 'cores_used', (v) => v.toFixed(2)],
      ['cores per 10 Gbit/s', 'cores_per_10gbps', (v) => v.toFixed(2)],
      ['cycles per packet', 'cycles_per_pkt', (v) => v.toFixed(0)],
      ['VM exits per packet', 'vm_exits_per_pkt', (v) => v.toFixed(2)],
      ['latency p99 (us)', 'latency_p99_us', (v) => v.toFixed(0)],
    ];
    const lines = [`| | ${t.rows.map((r) => r.path).join(' | ')} |`, `|---|${t.rows.map(() => '---:').join('|')}|`];
    for (const [label, col, f] of rows) lines.push(`| ${label} | ${t.rows.map((r) => f(Number(r[col]))).join(' | ')} |`);
    return lines.join('\n') + '\n';
  };
}
