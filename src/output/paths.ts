import { CAUSE_HELP, CAUSES } from '../model/causes.js';
import { COST_NAMES, COSTS } from '../model/costs.js';
import type { HopSpec, PathSpec, WorkSpec } from '../model/path-spec.js';

const work = (w: WorkSpec): string => {
  const parts: string[] = [];
  if (w.cycles !== undefined) parts.push(`${w.cycles} cycles${w.per_descriptor ? ' per descriptor' : ''}`);
  if (w.cycles_per_byte !== undefined) parts.push(`${w.cycles_per_byte} cycles/byte`);
  const count = w.count !== undefined ? ` x ${w.count}` : '';
  const kinds = w.kinds ? ` [${w.kinds.join(', ')}]` : '';
  const posted = w.unless_posted ? ' (not when posted)' : '';
  return `${w.cause}: ${parts.join(' + ')}${count}${kinds}${posted}`;
};

function hop(h: HopSpec): string[] {
  if (h.kind === 'wire') return [`wire "${h.name}" (queue: ${h.ring}): (frame + 20 B) x 8 / line rate`];
  if (h.kind === 'delay') return [`delay "${h.name}": ${h.ns.join(' + ')} ns`];
  const notify = h.notify;
  const traits = [
    h.context === 'process' ? 'process context' : 'softirq context',
    notify.moderated ? 'ITR-moderated' : '',
    notify.posted ? 'can be posted' : '',
    h.aggregate?.length ? `aggregates: ${h.aggregate.join(', ')}` : '',
    h.carries ? `stops ${h.carries.join(', ')}; others pass` : '',
    h.busy_poll ? 'busy-polls its core' : '',
  ].filter(Boolean);
  const lines = [
    `cpu "${h.name}" on ${h.core} core${(h.servers ?? 1) > 1 ? ` x ${h.servers} servers` : ''}, ${h.instances} ring (${h.ring}), woken by ${notify.kind}; ${traits.join('; ')}`,
  ];
  if (notify.producer?.length) lines.push(`    per notification, producer: ${notify.producer.map(work).join('; ')}`);
  if (notify.consumer?.length) lines.push(`    per batch, consumer: ${notify.consumer.map(work).join('; ')}`);
  lines.push(`    per packet: ${h.work.map(work).join('; ') || 'nothing'}`);
  if (h.copies !== undefined) lines.push(`    copies each payload byte ${h.copies} more time(s) (copy_per_byte)`);
  if (h.checksum)
    lines.push(
      `    checksums in software ${h.checksum === 'always' ? 'always' : 'when the NIC does not offload'} (checksum_per_byte)`,
    );
  return lines;
}

/** A readable listing of paths: for each direction its hops, notifications and work. */
export function pathsText(paths: Record<string, PathSpec>): string {
  const out: string[] = [];
  for (const [name, p] of Object.entries(paths)) {
    out.push(`${name}: ${p.description}`, `  NIC sorting: ${p.nic_sorting}`);
    for (const dir of ['rx', 'tx'] as const) {
      out.push(`  ${dir === 'rx' ? 'receive (wire to guest application)' : 'transmit (guest application to wire)'}:`);
      p[dir].forEach((h, i) => hop(h).forEach((l, j) => out.push(`    ${j === 0 ? `${i + 1}. ` : '   '}${l}`)));
    }
    out.push('');
  }
  return out.join('\n');
}

/** The cost table and the causes, as `iovsim paths` ends. */
export function costsText(): string {
  const out = ['costs (override under `costs:` in a scenario; sources cite docs/references.md):'];
  for (const n of COST_NAMES) {
    const c = COSTS[n];
    out.push(`  ${n} = ${c.default} ${c.unit}: ${c.help}`, `      source: ${c.source}`);
  }
  out.push('', 'causes (every cycle is charged to one):');
  for (const c of CAUSES) out.push(`  ${c}: ${CAUSE_HELP[c]}`);
  return out.join('\n') + '\n';
}

/** Paths, then the cost table: what `iovsim paths` prints. */
export function describePaths(paths: Record<string, PathSpec>): string {
  return `${pathsText(paths)}\n${costsText()}`;
}
