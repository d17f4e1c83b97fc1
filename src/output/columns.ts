import { CAUSES } from '../model/causes.js';
import type { RunResult } from '../model/network.js';
import { jainIndex } from '../stats/jain.js';

/** One output row: column name (with its unit) to value. Column order is insertion order. */
export type Row = Record<string, string | number>;

/** Rounds to 6 significant digits so output is stable and readable; NaN (no data) becomes empty. */
function num(x: number): number | string {
  if (!Number.isFinite(x)) return '';
  return Number(x.toPrecision(6));
}

/** Turns one run into a row of named, unit-carrying columns. */
export function resultRow(scenario: string, r: RunResult): Row {
  const secs = r.windowNs / 1e9;
  const gbps = (bytes: number) => (bytes * 8) / r.windowNs;
  const coreTotals = r.coreCycles.map((c) => c.reduce((a, b) => a + b, 0));
  const totalCycles = coreTotals.reduce((a, b) => a + b, 0);
  const coresUsed = totalCycles / r.clockGhz / r.windowNs;
  const delivered = r.deliveredPackets;
  const dropped = Object.values(r.drops).reduce((a, b) => a + b, 0);
  const deliveredGbps = gbps(r.deliveredBytes);
  const row: Row = {
    scenario,
    path: r.path,
    direction: r.direction,
    vms: r.vms,
    seed: r.seed,
    warmup_ms: num(r.warmupNs / 1e6),
    window_ms: num(r.windowNs / 1e6),
    frame_bytes_mean: num(delivered ? r.deliveredBytes / delivered : NaN),
    offered_gbps: num(gbps(r.offeredBytes)),
    offered_mpps: num(r.offeredPackets / secs / 1e6),
    delivered_gbps: num(deliveredGbps),
    delivered_mpps: num(delivered / secs / 1e6),
    tcp_payload_gbps: num(gbps(r.deliveredPayloadBytes)),
    wire_util_pct: num((100 * r.wireBusyNs) / r.windowNs),
    drop_pct: num(delivered + dropped > 0 ? (100 * dropped) / (delivered + dropped) : 0),
  };
  for (const [hop, n] of Object.entries(r.drops)) row[`drops_${hop}_pkts`] = n;
  Object.assign(row, {
    latency_mean_us: num(r.latencyNs.mean / 1e3),
    latency_p50_us: num(r.latencyNs.p50 / 1e3),
    latency_p99_us: num(r.latencyNs.p99 / 1e3),
    latency_p999_us: num(r.latencyNs.p999 / 1e3),
    latency_max_us: num(r.latencyNs.max / 1e3),
    cores_used: num(coresUsed),
    host_cpu_pct: num((100 * coresUsed) / r.coreCycles.length),
    cores_per_10gbps: num(deliveredGbps > 0 ? (coresUsed / deliveredGbps) * 10 : NaN),
    cycles_per_pkt: num(delivered ? totalCycles / delivered : NaN),
  });
  CAUSES.forEach((cause, i) => {
    const c = r.coreCycles.reduce((s, core) => s + core[i], 0);
    row[`cycles_per_pkt_${cause}`] = num(delivered ? c / delivered : NaN);
  });
  Object.assign(row, {
    interrupts_per_s: num(r.interrupts / secs),
    kicks_per_s: num(r.kicks / secs),
    vm_exits_per_s: num(r.exits / secs),
    mean_in_system_pkts: num(r.meanInSystem),
    fairness_jain: num(jainIndex(r.vmDeliveredBytes)),
  });
  r.vmDeliveredBytes.forEach((b, i) => (row[`vm${i}_gbps`] = num(gbps(b))));
  coreTotals.forEach((c, i) => (row[`core${i}_util_pct`] = num((100 * c) / r.clockGhz / r.windowNs)));
  return row;
}

/** All column names across rows, in first-seen order, with every path's drop columns together after drop_pct (paths differ in their hops). */
export function columnsOf(rows: Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  const all = [...seen];
  const drops = all.filter((k) => k.startsWith('drops_'));
  const rest = all.filter((k) => !k.startsWith('drops_'));
  const at = Math.max(rest.indexOf('drop_pct'), rest.indexOf('drop_pct_ci95')) + 1;
  return [...rest.slice(0, at), ...drops, ...rest.slice(at)];
}
