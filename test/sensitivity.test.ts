import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COST_NAMES } from '../src/model/costs.js';
import { InlineRunner } from '../src/experiment/pool.js';
import { sensitivity } from '../src/experiment/sensitivity.js';
import { parse } from 'csv-parse/sync';

const root = join(__dirname, '..');

describe('cost sensitivity', () => {
  it('finds the checks a cost moves and none for a cost the run never charges', async () => {
    // R2 is CPU-bound on the vSwitch core; the IOMMU only delays SR-IOV DMA, which R2 does not use.
    const r = await sensitivity([join(root, 'scenarios/published/r2-esx-netqueue-off-4vms.yaml')], {
      runner: new InlineRunner(),
      concurrency: 1,
      overrides: { durationNs: 40e6 },
      costs: ['vswitch_sort', 'iommu_ns'],
    });
    expect(r.checks).toHaveLength(2);
    const [sort, iommu] = r.costs;
    // 25 % less sorting lifts throughput above 6 Gbit/s; 25 % more drops it below 5.
    expect(sort.failLow).toContain('R2 r2-esx-netqueue-off-4vms paravirtual tcp_payload_gbps');
    expect(sort.failHigh).toContain('R2 r2-esx-netqueue-off-4vms paravirtual tcp_payload_gbps');
    expect(iommu.failLow).toEqual([]);
    expect(iommu.failHigh).toEqual([]);
  });

  it('the committed table covers every cost and docs/calibration.md names each unconstrained one', () => {
    const rows = parse(readFileSync(join(root, 'results/sensitivity.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows.map((r) => r.cost)).toEqual([...COST_NAMES]);
    const doc = readFileSync(join(root, 'docs/calibration.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## What the published set constrains'));
    for (const r of rows) {
      // Each cost appears in the table with the count npm run results measured.
      expect(section).toMatch(new RegExp(`\\| \`${r.cost}\` \\| [^|]+ \\| ${r.checks_constraining} \\|`));
    }
  });
});
