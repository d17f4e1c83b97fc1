import { InputError } from '../errors.js';
import type { ModelConfig } from '../model/config.js';
import type { ResolvedPath } from '../model/result.js';
import { amount, coresFor, workCycles } from '../model/work.js';
import { describe } from './load.js';

/**
 * Rules a path must follow on a given host and traffic, which the schema alone cannot
 * express: checked before anything runs, so the model never meets a hop it cannot build.
 * `where` names the path in messages: `custom_paths.<name>` for a scenario's own path.
 */
export function checkPath(cfg: ModelConfig, path: ResolvedPath, o: { nicLimits: boolean; where: string }): void {
  for (const dir of ['rx', 'tx'] as const) {
    path.spec[dir].forEach((hop, i) => {
      if (hop.kind !== 'cpu') return;
      if (hop.instances === 'shared' && (hop.core === 'vcpu' || hop.core === 'io-per-vm')) {
        throw new InputError(
          `${o.where}.${dir}[${i}].instances`,
          `"per-vm" for a hop on core "${hop.core}" (a shared ring needs a fixed core: io or an index)`,
          describe(hop.instances),
        );
      }
      if (hop.busy_poll && hop.notify.kind !== 'poll') {
        throw new InputError(
          `${o.where}.${dir}[${i}].busy_poll`,
          'a poll notification (notify: {kind: poll}) for a busy-polling hop',
          describe(hop.notify.kind),
        );
      }
      if ((hop.servers ?? 1) > 1 && hop.instances !== 'shared' && hop.core !== 'io-per-vm') {
        throw new InputError(
          `${o.where}.${dir}[${i}].servers`,
          '1 for a per-vm hop off the hypervisor cores (several servers per VM need core: io-per-vm, or instances: shared)',
          describe(hop.servers),
        );
      }
    });
  }
  const dir = cfg.traffic.direction;
  path.spec[dir].forEach((hop, i) => {
    if (hop.kind !== 'cpu') return;
    const servers = hop.servers ?? 1;
    const instances = hop.instances === 'shared' ? 1 : cfg.vms;
    for (let vm = 0; vm < instances; vm++) {
      const ids = coresFor(cfg, hop.core, vm, servers);
      const bad = ids.find((c) => c >= cfg.host.cores);
      if (bad !== undefined) {
        throw new InputError(
          `${o.where}.${dir}[${i}].core`,
          `a hop on cores that exist (host.cores = ${cfg.host.cores})`,
          `hop "${hop.name}" on cores ${ids[0]}..${ids[ids.length - 1]}`,
        );
      }
    }
  });
  if (o.nicLimits) checkNicLimits(cfg, path);
  checkSaturatingEntry(cfg, path, o.where);
}

/** The NIC must have a queue resource per VM where the path needs one. */
export function checkNicLimits(cfg: ModelConfig, path: ResolvedPath): void {
  const need = path.spec.nic_sorting;
  if (need === 'vmdq' && cfg.vms > cfg.nic.vmdqPools) {
    throw new InputError(
      'vms.count',
      `at most nic.vmdq_pools = ${cfg.nic.vmdqPools} VMs for path "${path.name}" (one VMDq pool per VM)`,
      String(cfg.vms),
    );
  }
  if (need === 'vf' && cfg.vms > cfg.nic.vfs) {
    throw new InputError(
      'vms.count',
      `at most nic.vfs = ${cfg.nic.vfs} VMs for path "${path.name}" (one SR-IOV virtual function per VM)`,
      String(cfg.vms),
    );
  }
}

/**
 * A saturating source refills its window the instant a packet is dropped; if the path's
 * first hop took no time, a drop further on could refill and drop forever at one instant.
 */
function checkSaturatingEntry(cfg: ModelConfig, path: ResolvedPath, where: string): void {
  const hops = path.spec[cfg.traffic.direction];
  if (cfg.traffic.mode !== 'saturate' || hops.length === 0) return;
  const first = hops[0];
  let takesTime: boolean;
  if (first.kind === 'wire') takesTime = cfg.nic.lineRateGbps > 0;
  else if (first.kind === 'delay') takesTime = first.ns.reduce((s: number, a) => s + amount(a, path.costs, 0), 0) > 0;
  // Costs are never negative, so a hop costs nothing only if a one-byte packet costs nothing.
  else takesTime = workCycles(first.work, path.costs, 1) > 0;
  if (!takesTime) {
    throw new InputError(
      `${where}.${cfg.traffic.direction}[0]`,
      'a first hop that takes time when traffic.load is "saturate" (a saturating source resends at once)',
      `hop "${first.name}" with no cost`,
    );
  }
}
