import type { Row } from './columns.js';

/** The rows shown in the terminal table, with their labels. */
const SHOWN: [string, string][] = [
  ['delivered_gbps', 'delivered Gbit/s'],
  ['delivered_mpps', 'delivered Mpps'],
  ['tcp_payload_gbps', 'TCP payload Gbit/s'],
  ['drop_pct', 'drops %'],
  ['latency_mean_us', 'latency mean us'],
  ['latency_p99_us', 'latency p99 us'],
  ['latency_p999_us', 'latency p99.9 us'],
  ['cores_used', 'cores used'],
  ['cores_per_10gbps', 'cores per 10 Gbit/s'],
  ['cycles_per_pkt', 'cycles/packet'],
  ['cycles_per_pkt_guest', '  guest'],
  ['cycles_per_pkt_driver', '  driver'],
  ['cycles_per_pkt_exits', '  exits'],
  ['cycles_per_pkt_emulation', '  emulation'],
  ['cycles_per_pkt_switch', '  switch'],
  ['cycles_per_pkt_copy', '  copy'],
  ['cycles_per_pkt_interrupts', '  interrupts'],
  ['vm_exits_per_s', 'VM exits/s'],
  ['fairness_jain', 'fairness (Jain)'],
];

/** Shown only when a run has them: replications and a precision target's outcome. */
const OPTIONAL: [string, string][] = [
  ['replications', 'replications'],
  ['precision', 'precision'],
];

const fmt = (v: string | number | undefined): string => {
  if (v === undefined || v === '') return '-';
  if (typeof v === 'string') return v;
  if (Math.abs(v) >= 1e5) return v.toExponential(2);
  return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
};

/** The paths side by side, one column each, key metrics as rows. */
export function toTable(title: string, rows: Row[]): string {
  const header = ['', ...rows.map((r) => String(r.path))];
  const shown = [...SHOWN, ...OPTIONAL.filter(([key]) => rows.some((r) => r[key] !== undefined))];
  const body = shown.map(([key, label]) => [label, ...rows.map((r) => fmt(r[key]))]);
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((line) => line[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [title, line(header), ...body.map(line)].join('\n') + '\n';
}

/** Columns shown, when present, for each row of a sweep or search (the CSV has them all). */
const LONG: string[] = [
  'frame_bytes',
  'path',
  'zero_loss_load_pct',
  'capacity',
  'binding_constraint',
  'replications',
  'delivered_gbps',
  'delivered_gbps_ci95',
  'drop_pct',
  'latency_p99_us',
  'latency_p99_us_ci95',
  'cores_used',
  'cores_used_ci95',
  'precision',
];

/** One line per row: the swept columns first, then the key metrics. */
export function toLongTable(title: string, rows: Row[]): string {
  if (rows.length === 0) return `${title}\n(no rows)\n`;
  const lead = Object.keys(rows[0]).slice(0, Object.keys(rows[0]).indexOf('scenario') >= 0 ? Object.keys(rows[0]).indexOf('scenario') : 0);
  const searchInfo = ['search_field', 'search_probes'];
  const cols = [...lead.filter((c) => !LONG.includes(c) && !searchInfo.includes(c)), ...LONG.filter((c) => rows.some((r) => r[c] !== undefined))];
  const cells = [cols, ...rows.map((r) => cols.map((c) => fmt(r[c])))];
  const widths = cols.map((_, i) => Math.max(...cells.map((l) => l[i].length)));
  return [title, ...cells.map((l) => l.map((cell, i) => cell.padStart(widths[i])).join('  '))].join('\n') + '\n';
}
