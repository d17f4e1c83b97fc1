import { columnDeclaration } from '../metrics/metrics.js';
import { STUDY_COLUMNS } from '../metrics/study.js';
import { meanFrameBytes } from '../model/config.js';
import type { Provenance } from '../output/provenance.js';
import type { Plan } from '../scenario/plan.js';
import { formatDuration } from '../scenario/units.js';

/** The service-level objectives a scenario states, in the units of the CSV's columns. */
export interface Slo {
  p99LatencyUs?: number;
  /** Highest acceptable loss, in % of frames (as drop_pct). */
  lossPct?: number;
  /** Highest acceptable share of the host's cores busy, in % (as host_cpu_pct). */
  cpuPct?: number;
}

/** What a run asked, for the top of its part of the report. */
export interface Question {
  /** `name: description`. */
  title: string;
  /** Label and value, in reading order: host, NIC, VMs, traffic, study, SLO, run. */
  facts: [string, string][];
  slo: Slo;
  hostCores: number;
}

/** What the report knows about a CSV beyond its rows: the question, and what produced it. */
export interface RunContext {
  question?: Question;
  provenance?: Provenance;
}

const pct = (share: number) => `${Number((100 * share).toPrecision(4))} %`;
const gbps = (bitsPerSec: number) => `${Number((bitsPerSec / 1e9).toPrecision(4))} Gbit/s`;

/** What a planned scenario asks, in words: from the scenario as read and its first point as resolved. */
export function questionOf(plan: Plan): Question {
  const s = plan.scenario;
  const exp = plan.points[0].exp;
  const c = exp.config;
  const swept = (field: string) => plan.sweepKeys.includes(field);
  const sweptValues = (field: string) =>
    plan.points.map((p) => String(p.assignment[field])).filter((v, i, all) => all.indexOf(v) === i);
  const facts: [string, string][] = [];

  const platform = [s.host.model !== 'generic' ? s.host.model : '', s.host.cpu ?? ''].filter(Boolean).join(', ');
  facts.push([
    'host',
    `${c.host.cores} cores at ${c.host.clockGhz} GHz${platform ? ` (${platform})` : ''}; cores 0-${c.host.hypervisorCores - 1} take the hypervisor's I/O work`,
  ]);
  const itr = c.nic.moderation.kind === 'fixed' ? `${c.nic.moderation.perSec} interrupts/s per vector` : 'adaptive';
  facts.push([
    'NIC',
    `${c.nic.lineRateGbps} Gbit/s${s.nic.model !== 'generic' ? ` (${s.nic.model})` : ''}; interrupt moderation ${swept('nic.itr') ? `swept: ${sweptValues('nic.itr').join(', ')}` : itr}`,
  ]);
  facts.push(['VMs', swept('vms.count') ? `swept: ${sweptValues('vms.count').join(', ')}` : String(c.vms)]);

  const t = c.traffic;
  const direction = t.direction === 'rx' ? 'receive (wire to guest)' : 'transmit (guest to wire)';
  const frames = meanFrameBytes(t.perVm[0].frames);
  let load: string;
  if (t.mode === 'saturate') load = `saturating bulk TCP, a ${t.windowBytes / 1024} KiB window per VM`;
  else if (t.mode === 'request-response') load = 'request/response transactions';
  else {
    const offered = t.perVm.reduce((sum, v) => sum + v.pps * meanFrameBytes(v.frames) * 8, 0);
    load = `${gbps(offered)} offered in all, ${t.perVm[0].arrivals.kind} arrivals`;
  }
  const loadSwept = plan.sweepKeys.filter((k) => k.startsWith('traffic.'));
  const search = exp.search;
  const searched = search?.kind === 'zero-loss' || (search?.kind === 'capacity' && search.vary !== 'vms.count');
  const frameText =
    search?.kind === 'zero-loss' && search.frame_sizes
      ? `frames of ${search.frame_sizes.join(', ')} bytes, one search each`
      : `${Number(frames.toPrecision(5))}-byte frames on average`;
  facts.push([
    'traffic',
    `${direction}; ${searched ? 'the load is what the search varies' : loadSwept.length ? `${loadSwept.join(', ')} swept` : load}; ${frameText}`,
  ]);

  const study: string[] = [];
  if (plan.sweepKeys.length)
    study.push(
      `sweep over ${plan.sweepKeys.join(' x ')} (${plan.points.length} point${plan.points.length === 1 ? '' : 's'})`,
    );
  if (exp.replications > 1) study.push(`${exp.replications} replications per point, 95 % confidence intervals`);
  const slo: Slo = {};
  if (search?.kind === 'zero-loss') {
    study.push('RFC 2544 zero-loss search: the largest load with loss at most the objective, per frame size');
    slo.lossPct = 100 * search.loss;
  } else if (search?.kind === 'capacity') {
    study.push(`capacity search: the largest ${search.vary} that meets every objective`);
    if (search.slo.p99_latency !== undefined) slo.p99LatencyUs = search.slo.p99_latency / 1e3;
    if (search.slo.loss !== undefined) slo.lossPct = 100 * search.slo.loss;
    if (search.slo.cpu !== undefined) slo.cpuPct = 100 * search.slo.cpu;
  }
  if (study.length) facts.push(['study', study.join('; ')]);
  const objectives = [
    slo.p99LatencyUs !== undefined ? `p99 latency <= ${formatDuration(slo.p99LatencyUs * 1e3)}` : '',
    slo.lossPct !== undefined ? `loss <= ${pct(slo.lossPct / 100)}` : '',
    slo.cpuPct !== undefined
      ? `CPU <= ${pct(slo.cpuPct / 100)} of the host (${(slo.cpuPct / 100) * c.host.cores} cores)`
      : '',
  ].filter(Boolean);
  if (objectives.length) facts.push(['objectives', objectives.join(', ')]);
  facts.push([
    'run',
    `paths ${exp.paths.map((p) => p.name).join(', ')}; ${formatDuration(c.durationNs)} simulated, warm-up ${exp.warmupAuto ? 'auto (MSER-5)' : formatDuration(c.warmupNs)}; seed ${c.seed}`,
  ]);
  return {
    title: plan.description ? `${plan.name}: ${plan.description}` : plan.name,
    facts,
    slo,
    hostCores: c.host.cores,
  };
}

/** The provenance record in words, for the page. */
export function provenanceText(p: Provenance): string {
  return `iovsim ${p.iovsim} on Node.js ${p.node}; scenario ${p.scenario.file} (SHA-256 ${p.scenario.sha256.slice(0, 16)}...); seed ${p.seed}`;
}

/**
 * A column's human label with its unit, from its declaration (src/metrics): the table label
 * with the unit in parentheses ("delivered (Gbit/s)", "latency p99 (us)"), or the column name
 * when it has no label.
 */
export function columnLabel(column: string): string {
  const d = columnDeclaration(column) ?? STUDY_COLUMNS.find((c) => c.name === column);
  if (!d) return column;
  const label = 'label' in d && d.label ? d.label : column;
  const unit = d.unit;
  if (!unit) return label;
  if (label.endsWith(` ${unit}`)) return `${label.slice(0, -unit.length - 1)} (${unit})`;
  return label.split(' ').includes(unit) ? label : `${label} (${unit})`;
}
