import type { ComparisonRow } from '../experiment/compare.js';

/** The comparison for the terminal: one line per figure or claim. */
export function comparisonTable(rows: ComparisonRow[]): string {
  const lines = rows.map((r) => {
    const published = r.published !== '' ? String(r.published) : r.published_low !== '' ? `${r.published_low}-${r.published_high}` : '';
    const what = r.metric === 'claim' ? `claim: ${published}` : `${r.metric} ${published} ${r.unit}`;
    const err = r.error_pct !== '' ? ` (${Number(r.error_pct) > 0 ? '+' : ''}${r.error_pct} %)` : '';
    const result = r.result === 'pass' ? 'pass' : r.result === 'fail' ? 'FAIL' : 'info';
    return [r.id, `${r.scenario} / ${r.path}`, what, `${r.simulated}${err}`, result];
  });
  const header = ['id', 'scenario / path', 'published', 'simulated', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => Math.min(l[i].length, i === 3 ? 90 : 70))));
  return [header, ...lines].map((l) => l.map((c, i) => (i === 4 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}
