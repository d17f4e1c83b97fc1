import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { reportCommand, reportFileFor } from '../src/cli/commands/report.js';
import { InputError } from '../src/errors.js';
import { CAUSES } from '../src/model/causes.js';
import type { Row } from '../src/metrics/metrics.js';
import { pathPalette } from '../src/report/palette.js';
import { reportForRows, reportForTables, writeReport } from '../src/report/report.js';
import type { RenderedChart } from '../src/report/render.js';
import { parseTable } from '../src/report/table.js';

const dir = mkdtempSync(join(tmpdir(), 'iovsim-report-'));
let n = 0;
/** Writes rows as a CSV in a fresh folder and returns its path. */
function csvFile(name: string, rows: Row[]): string {
  const d = join(dir, String(++n));
  mkdirSync(d);
  const f = join(d, name);
  writeFileSync(f, stringify(rows, { header: true, columns: Object.keys(rows[0]) }));
  return f;
}
function textFile(name: string, text: string): string {
  const d = join(dir, String(++n));
  mkdirSync(d);
  writeFileSync(join(d, name), text);
  return join(d, name);
}

const BUILTIN = ['native', 'emulated', 'paravirtual', 'vmdq', 'sriov'];
const COLOUR: Record<string, string> = {
  native: '#4c78a8',
  emulated: '#e45756',
  paravirtual: '#f58518',
  vmdq: '#72b7b2',
  sriov: '#54a24b',
};

/** A result row with the columns `iovsim run` writes that the charts use; numbers vary by path. */
function resultRow(path: string, k: number, extra: Row = {}): Row {
  const row: Row = { ...extra, scenario: 'test', path, offered_gbps: 9.87, delivered_gbps: 9.87 - k, drop_pct: 0 };
  Object.assign(row, {
    latency_p50_us: 50 + 100 * k,
    latency_p99_us: 80 + 150 * k,
    latency_p999_us: 90 + 160 * k,
    cores_used: 1 + k / 2,
    cycles_per_pkt: 7000,
  });
  CAUSES.forEach((c) => (row[`cycles_per_pkt_${c}`] = 1000));
  return row;
}
const singleRows = (paths = BUILTIN): Row[] => paths.map((p, k) => resultRow(p, k));

/** Data marks of a rendered chart: bars, lines, points, areas, ticks (axes and legends excluded). */
function dataMarks(svg: string): { kind: string; label: string; fill?: string; stroke?: string }[] {
  const out: { kind: string; label: string; fill?: string; stroke?: string }[] = [];
  for (const m of svg.matchAll(
    /<(?:path|line) aria-label="([^"]*)"[^>]*aria-roledescription="([a-z]+)( mark)?"[^>]*>/g,
  )) {
    const tag = m[0];
    out.push({
      kind: m[2],
      label: m[1],
      fill: /\bfill="([^"]+)"/.exec(tag)?.[1],
      stroke: /\bstroke="([^"]+)"/.exec(tag)?.[1],
    });
  }
  return out;
}
const pathOf = (label: string): string | undefined => /(?:^|; )path: ([^;]+)/.exec(label)?.[1];

async function chartsOf(...tables: [string, Row[]][]): Promise<RenderedChart[][]> {
  const { reports } = await reportForTables(
    tables.map(([name, rows]) => parseTable(stringify(rows, { header: true, columns: Object.keys(rows[0]) }), name)),
  );
  return reports.map((r) => r.section.charts);
}

describe('charts render to SVG with marks', () => {
  it('single point: throughput bars with offered ticks, cores stacked by cause, grouped latency bars', async () => {
    const [charts] = await chartsOf(['single.csv', singleRows()]);
    expect(charts.map((c) => c.name)).toEqual(['throughput', 'cores-by-cause', 'latency']);
    const [tp, cores, lat] = charts.map((c) => dataMarks(c.svg));
    expect(tp.filter((m) => m.kind === 'bar')).toHaveLength(5);
    expect(tp.filter((m) => m.kind === 'tick')).toHaveLength(5);
    expect(cores.filter((m) => m.kind === 'bar')).toHaveLength(5 * CAUSES.length);
    expect(lat.filter((m) => m.kind === 'bar')).toHaveLength(15);
    for (const c of charts) {
      expect(c.svg.startsWith('<svg')).toBe(true);
      expect(c.title).toMatch(/\((Gbit\/s|cores|us)\)/);
    }
    // Units on the axes.
    expect(charts[0].svg).toContain('delivered (Gbit/s)');
    expect(charts[1].svg).toContain('>cores used<');
    expect(charts[2].svg).toContain('latency (us)');
  });

  it('single point with replications: the throughput bars carry their 95 % interval', async () => {
    const rows = singleRows(['native', 'sriov']).map((r) => ({ replications: 5, ...r, delivered_gbps_ci95: 0.2 }));
    const [[tp]] = await chartsOf(['reps.csv', rows]);
    expect(dataMarks(tp.svg).filter((m) => m.kind === 'rule')).toHaveLength(2);
    expect(tp.caption).toContain('confidence interval');
  });

  it('cores by cause = cores used x cycles per packet of the cause / cycles per packet', async () => {
    const row = resultRow('native', 0);
    Object.assign(row, {
      cores_used: 2,
      cycles_per_pkt: 4000,
      cycles_per_pkt_guest: 3000,
      cycles_per_pkt_driver: 1000,
    });
    for (const c of CAUSES.slice(2)) row[`cycles_per_pkt_${c}`] = 0;
    const [[, cores]] = await chartsOf(['one.csv', [row]]);
    const labels = dataMarks(cores.svg).map((m) => m.label);
    expect(labels.some((l) => /cause: guest/.test(l) && /: 1\.5\b/.test(l))).toBe(true);
    expect(labels.some((l) => /cause: driver/.test(l) && /: 0\.5\b/.test(l))).toBe(true);
    expect(labels).toHaveLength(2);
  });

  it('sweep: a line per path over the first swept column, with CI bands from _ci95 columns', async () => {
    const rows = [1, 2, 4, 8, 16, 32, 64].flatMap((vms) =>
      BUILTIN.map((p, k) => {
        const r = resultRow(p, k, { 'vms.count': vms, replications: 3 });
        for (const m of ['delivered_gbps', 'cores_used', 'latency_p99_us']) r[`${m}_ci95`] = 0.1 * Number(r[m]);
        r.latency_p99_us = Number(r.latency_p99_us) * vms;
        return r;
      }),
    );
    const [charts] = await chartsOf(['sweep.csv', rows]);
    expect(charts.map((c) => c.name)).toEqual(['delivered-gbps', 'cores-used', 'latency-p99']);
    for (const c of charts) {
      const marks = dataMarks(c.svg);
      expect(marks.filter((m) => m.kind === 'line')).toHaveLength(5);
      expect(marks.filter((m) => m.kind === 'area')).toHaveLength(5);
      expect(marks.filter((m) => m.kind === 'point')).toHaveLength(35);
      expect(c.svg).toContain('vms.count');
    }
    expect(charts[2].caption).toContain('log scale');
  });

  it('sweep over a quantity with its unit and a second swept column', async () => {
    const rows = ['2 Gbit/s', '4 Gbit/s'].flatMap((load) =>
      [1, 2].flatMap((vms) =>
        ['sriov', 'vmdq'].map((p, k) => resultRow(p, k, { 'traffic.load': load, 'vms.count': vms })),
      ),
    );
    const [charts] = await chartsOf(['sweep2.csv', rows]);
    expect(charts[0].svg).toContain('offered load of all VMs together (traffic.load; Gbit/s)');
    expect(dataMarks(charts[0].svg).filter((m) => m.kind === 'line')).toHaveLength(4);
    expect(charts[0].caption).toContain('vms.count');
  });

  it('zero-loss search: load and throughput per frame size, a line per path', async () => {
    const rows = [64, 512, 1518].flatMap((frame) =>
      BUILTIN.map((p, k) => ({
        frame_bytes: frame,
        path: p,
        zero_loss_load_pct: Math.min(100, frame / (10 * (k + 1))),
        search_probes: 8,
        ...resultRow(p, k),
      })),
    );
    const [charts] = await chartsOf(['rfc2544.csv', rows]);
    expect(charts.map((c) => c.name)).toEqual(['zero-loss-load', 'zero-loss-gbps']);
    for (const c of charts) expect(dataMarks(c.svg).filter((m) => m.kind === 'line')).toHaveLength(5);
    expect(charts[0].svg).toContain('Ethernet frame size (traffic.frame_bytes; bytes, log scale)');
    expect(charts[0].title).toContain('% of line rate');
  });

  it('capacity search: a bar per path, labelled with the binding constraint; "none" is a zero bar', async () => {
    const rows = BUILTIN.map((p, k) => ({
      path: p,
      search_field: 'vms.count',
      capacity: k === 1 ? 'none (fails at 1)' : 9 - k,
      binding_constraint: k === 4 ? 'NIC limit: nic.vfs = 8' : 'p99_latency > 200 us',
      search_probes: 6,
      ...resultRow(p, k),
    }));
    const [[chart]] = await chartsOf(['capacity.csv', rows]);
    expect(chart.name).toBe('capacity');
    expect(chart.title).toContain('(VMs)');
    expect(dataMarks(chart.svg).filter((m) => m.kind === 'bar')).toHaveLength(5);
    expect(chart.svg).toContain('NIC limit: nic.vfs = 8');
    expect(chart.svg).toContain('none  (p99_latency');

    const rates = [
      {
        path: 'sriov',
        search_field: 'traffic.load_per_vm',
        capacity: '1.5 Gbit/s',
        binding_constraint: 'cpu > 50 % of host',
        ...resultRow('sriov', 0),
      },
    ];
    const [[rateChart]] = await chartsOf(['capacity-rate.csv', rates]);
    expect(rateChart.title).toContain('(Gbit/s)');
  });

  it('published comparison: published and simulated side by side per unit, ranges as rules, claims skipped', async () => {
    const rows: Row[] = [
      {
        id: 'R1',
        scenario: 'r1',
        path: 'vmdq',
        metric: 'tcp_payload_gbps',
        unit: 'Gbit/s',
        published: 9.2,
        published_low: '',
        published_high: '',
        simulated: 9.42,
        error_pct: 2.4,
        tolerance: '10 %',
        result: 'pass',
        source: 'x',
      },
      {
        id: 'R2',
        scenario: 'r2',
        path: 'paravirtual',
        metric: 'tcp_payload_gbps',
        unit: 'Gbit/s',
        published: '',
        published_low: 5,
        published_high: 6,
        simulated: 5.32,
        error_pct: 0,
        tolerance: 'range',
        result: 'pass',
        source: 'x',
      },
      {
        id: 'R2',
        scenario: 'r2',
        path: 'paravirtual',
        metric: 'host_cpu_pct',
        unit: '%',
        published: '',
        published_low: 25,
        published_high: 35,
        simulated: 30,
        error_pct: 0,
        tolerance: 'range',
        result: 'pass',
        source: 'x',
      },
      // A claim has its text in claim and finding, and may name two paths: neither is drawn.
      {
        id: 'R3',
        scenario: 'r3',
        path: 'paravirtual/native',
        metric: 'claim',
        unit: '',
        published: '',
        published_low: '',
        published_high: '',
        claim: 'far below native',
        simulated: '',
        finding: 'ratio 0.63',
        error_pct: '',
        tolerance: 'the claim holds',
        result: 'pass',
        source: 'x',
      },
    ];
    const [charts] = await chartsOf(['published.csv', rows]);
    expect(charts.map((c) => c.name)).toEqual(['published-gbit-s', 'published-pct']);
    const gbps = dataMarks(charts[0].svg);
    expect(gbps.filter((m) => m.kind === 'bar')).toHaveLength(3);
    expect(gbps.filter((m) => m.kind === 'rule')).toHaveLength(1);
    expect(charts[0].svg).not.toContain('r3');
    expect(charts[1].title).toBe('Published vs simulated (%)');
    const page = readFileSync(
      (await writeReport([csvFile('published.csv', rows)], join(dir, 'published.html'))).at(-1)!,
      'utf8',
    );
    expect(page).toContain('3 numeric comparisons drawn, 1 qualitative claim not drawn');
    // The claim's pair of paths is in the key table, but takes no colour in the key of paths.
    expect(page).toContain('<th scope="row">R3</th>');
    expect(/<ul class="key">.*<\/ul>/.exec(page)![0]).not.toContain('paravirtual/native');
  });
});

describe('colours', () => {
  const PATH_COLOURED = [
    'throughput',
    'latency',
    'delivered-gbps',
    'cores-used',
    'latency-p99',
    'zero-loss-load',
    'zero-loss-gbps',
    'capacity',
  ];

  it('a path has the same colour in every chart and every CSV of a report, custom paths included', async () => {
    const custom = 'paravirtual-fast-switch';
    const sweep = [1, 2].flatMap((vms) =>
      ['sriov', custom, 'native'].map((p, k) => resultRow(p, k, { 'vms.count': vms })),
    );
    const tables = await chartsOf(
      ['a.csv', singleRows(['native', custom, 'emulated'])],
      ['b.csv', sweep],
      ['c.csv', singleRows(['sriov', 'vmdq'])],
    );
    const seen = new Map<string, Set<string>>();
    for (const chart of tables.flat().filter((c) => PATH_COLOURED.includes(c.name))) {
      for (const m of dataMarks(chart.svg)) {
        const path = pathOf(m.label);
        if (!path || m.kind === 'tick' || m.kind === 'rule') continue;
        const colour = m.kind === 'line' ? m.stroke : m.fill;
        if (!seen.has(path)) seen.set(path, new Set());
        seen.get(path)!.add(colour!);
      }
    }
    expect([...seen.keys()].sort()).toEqual(['emulated', 'native', custom, 'sriov', 'vmdq'].sort());
    for (const [path, colours] of seen) expect([...colours], path).toHaveLength(1);
    for (const p of ['native', 'emulated', 'vmdq', 'sriov']) expect([...seen.get(p)!][0]).toBe(COLOUR[p]);
    expect(BUILTIN.map((p) => COLOUR[p])).not.toContain([...seen.get(custom)!][0]);
  });

  it('each built-in path keeps its colour whatever paths a report has, and only drawn paths are listed', () => {
    expect(pathPalette(['sriov'])).toEqual({ domain: ['sriov'], range: [COLOUR.sriov] });
    expect(pathPalette(['y', 'sriov', 'x', 'native']).domain).toEqual(['native', 'sriov', 'y', 'x']);
    expect(pathPalette(BUILTIN).range).toEqual(BUILTIN.map((p) => COLOUR[p]));
    // The hypervisor families each get a colour of their own, none shared with another built-in.
    const all = [
      ...BUILTIN,
      'vhost-net',
      'virtio-mq',
      'userspace-virtio',
      'vhost-user',
      'sriov-posted',
      'xen-netback',
      'hosted',
    ];
    expect(new Set(pathPalette(all).range).size).toBe(all.length);
    expect(pathPalette(['hosted', 'x']).range[0]).toBe(pathPalette(all).range[all.indexOf('hosted')]);
  });
});

describe('the HTML report', () => {
  it('is self-contained: SVGs inline, no script, no external URL; one heading per CSV, a caption per chart', async () => {
    const a = csvFile('quick.csv', singleRows());
    const b = csvFile(
      'sweep.csv',
      [1, 2, 4].flatMap((vms) => singleRows().map((r) => ({ 'vms.count': vms, ...r }))),
    );
    const html = join(dir, 'out', 'report.html');
    const written = await writeReport([a, b], html);
    const svgs = ['throughput', 'cores-by-cause', 'latency'].map((c) => a.replace(/\.csv$/, `.${c}.svg`));
    svgs.push(...['delivered-gbps', 'cores-used', 'latency-p99'].map((c) => b.replace(/\.csv$/, `.${c}.svg`)));
    expect(written).toEqual([...svgs, html]);
    for (const f of written) expect(existsSync(f)).toBe(true);
    // Standalone SVG files keep their namespace, so a viewer opens them.
    expect(readFileSync(svgs[0], 'utf8')).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);

    const page = readFileSync(html, 'utf8');
    expect(page).not.toMatch(/https?:/i);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/\bsrc\s*=/i);
    expect(page).not.toMatch(/@import|url\((?!#)/i);
    for (const m of page.matchAll(/<link\b[^>]*>/gi)) expect(m[0]).toMatch(/href="data:/);
    expect(page.match(/<h2>/g)).toHaveLength(2);
    expect(page.match(/<svg\b/g)).toHaveLength(6);
    expect(page.match(/<figcaption>/g)).toHaveLength(6);
    // Ids are unique across the page, so one chart's clip path cannot clip another's marks.
    const ids = [...page.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    // No temporary file is left beside the outputs.
    expect(readdirSync(join(dir, 'out'))).toEqual(['report.html']);
  });

  it('is the same bytes when written again (ids do not depend on what was drawn before)', async () => {
    const a = csvFile('again.csv', singleRows());
    const one = readFileSync((await writeReport([a], join(dir, 'again1.html'))).at(-1)!, 'utf8');
    await reportForRows('other', singleRows(['sriov']));
    const two = readFileSync((await writeReport([a], join(dir, 'again2.html'))).at(-1)!, 'utf8');
    expect(two).toBe(one);
  });

  it('reportForRows draws rows held in memory', async () => {
    const section = await reportForRows('mem', singleRows(['native', 'sriov']));
    expect(section.charts.map((c) => c.name)).toEqual(['throughput', 'cores-by-cause', 'latency']);
    expect(section.summary).toContain('2 paths');
  });

  it('reportCommand writes the page where asked; reportFileFor names it after the CSV', async () => {
    const a = csvFile('cmd.csv', singleRows());
    const out = join(dir, 'cmd', 'r.html');
    const files = await reportCommand([a], out);
    expect(files.at(-1)).toBe(out);
    expect(reportFileFor('results/quickstart.csv')).toBe('results/quickstart.html');
  });
});

describe('bad input throws InputError naming the file, and writes nothing', () => {
  const good = () => csvFile('good.csv', singleRows());
  const cases: [string, () => [string[], string], RegExp][] = [
    [
      'a missing file',
      () => [[join(dir, 'nope.csv')], join(dir, 'x1.html')],
      /nope\.csv: expected a readable CSV file, found no such file/,
    ],
    ['a directory for a CSV', () => [[dir], join(dir, 'x2.html')], /expected a CSV file, found a directory/],
    [
      'an empty file',
      () => [[textFile('empty.csv', '')], join(dir, 'x3.html')],
      /empty\.csv: expected a CSV file with a header line/,
    ],
    [
      'a header without rows',
      () => [[textFile('head.csv', 'path,delivered_gbps\n')], join(dir, 'x4.html')],
      /expected at least one data row/,
    ],
    [
      'a CSV that is not a result',
      () => [[textFile('other.csv', 'a,b\n1,2\n')], join(dir, 'x5.html')],
      /other\.csv: columns: expected an iovsim result CSV.*found columns a, b/,
    ],
    [
      'a result CSV without a needed column',
      () => [
        [
          csvFile(
            'nocopy.csv',
            singleRows().map(({ cycles_per_pkt_copy: _, ...r }) => r),
          ),
        ],
        join(dir, 'x6.html'),
      ],
      /nocopy\.csv: columns: expected the columns of a single CSV: .* found no "cycles_per_pkt_copy"/,
    ],
    [
      'text where a number belongs',
      () => [
        [csvFile('text.csv', [resultRow('native', 0), { ...resultRow('sriov', 1), delivered_gbps: 'fast' }])],
        join(dir, 'x7.html'),
      ],
      /text\.csv: line 3, column delivered_gbps: expected a number, found "fast"/,
    ],
    [
      'a malformed CSV',
      () => [[textFile('bad.csv', 'path,delivered_gbps\n"native,1\n')], join(dir, 'x8.html')],
      /bad\.csv: expected a well-formed CSV file/,
    ],
    ['no CSV at all', () => [[], join(dir, 'x9.html')], /files: expected at least one/],
    ['a directory as the output', () => [[good()], dir], /--out: expected a file name for the HTML report/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const [files, out] = args();
      const before = files.filter(existsSync).map((f) => readdirSync(join(f, '..')).sort());
      const err = await reportCommand(files, out).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).describe()).toMatch(message);
      if (out !== dir) expect(existsSync(out)).toBe(false);
      expect(files.filter(existsSync).map((f) => readdirSync(join(f, '..')).sort())).toEqual(before);
    });
  }
});

describe('a report that answers the question', () => {
  const question = {
    question: {
      title: 'slo: does it fit?',
      facts: [
        ['host', '8 cores at 2.9 GHz'],
        ['NIC', '10 Gbit/s'],
      ] as [string, string][],
      slo: { p99LatencyUs: 200, lossPct: 0.1, cpuPct: 50 },
      hostCores: 8,
    },
    provenance: {
      iovsim: '9.9.9',
      node: 'v20.0.0',
      scenario: { file: 'x.yaml', name: 'slo', sha256: 'ab'.repeat(32) },
      seed: 5,
    },
  };
  const rules = (svg: string) => dataMarks(svg).filter((m) => m.kind === 'rule');

  it('states the question, the facts and the provenance at the top, then a table of the key numbers', async () => {
    const section = await reportForRows('slo.csv', singleRows(), question);
    expect(section.question).toBe('slo: does it fit?');
    expect(section.facts).toEqual(question.question.facts);
    expect(section.provenance).toMatch(/^iovsim 9\.9\.9 on Node\.js v20\.0\.0; scenario x\.yaml \(SHA-256 abab/);
    // Labels and units from the metric declarations, one row per path.
    expect(section.table!.columns).toEqual([
      'path',
      'delivered (Gbit/s)',
      'drops (%)',
      'latency p99 (us)',
      'cores used',
    ]);
    expect(section.table!.rows.map((r) => r[0])).toEqual(BUILTIN);
    expect(section.table!.rows[1]).toEqual(['emulated', '8.87', '0', '230', '1.50']);
  });

  it('draws the p99 objective on latency, and the host ceiling and CPU objective on cores', async () => {
    const section = await reportForRows('slo.csv', singleRows(), question);
    const [, cores, latency] = section.charts;
    expect(rules(latency.svg).map((m) => m.label)).toEqual(['latency (us): 200']);
    expect(latency.svg).toContain('objective: p99 &lt;= 200 us');
    expect(rules(cores.svg).map((m) => m.label)).toEqual(['cores used: 8', 'cores used: 4']);
    expect(cores.svg).toContain('host: 8 cores');
    expect(cores.svg).toContain('objective: CPU &lt;= 50 % (4 cores)');
    // Without the scenario, the ceiling still comes from the CSV's per-core columns.
    const rows = singleRows().map((r) => ({ ...r, core0_util_pct: 10, core1_util_pct: 20, core2_util_pct: 5 }));
    const [[, bare]] = await chartsOf(['bare.csv', rows]);
    expect(rules(bare.svg).map((m) => m.label)).toEqual(['cores used: 3']);
  });

  it('adds a loss chart when a path drops frames, and none when none does', async () => {
    const lossy = singleRows().map((r, k) => ({ ...r, drop_pct: k === 2 ? 12.5 : 0 }));
    const section = await reportForRows('lossy.csv', lossy, question);
    expect(section.charts.map((c) => c.name)).toEqual(['throughput', 'cores-by-cause', 'latency', 'loss']);
    const loss = section.charts[3];
    expect(dataMarks(loss.svg).filter((m) => m.kind === 'bar')).toHaveLength(5);
    expect(loss.svg).toContain('drops (%)');
    expect(rules(loss.svg).map((m) => m.label)).toEqual(['drops (%): 0.1']);
    expect((await reportForRows('clean.csv', singleRows())).charts.map((c) => c.name)).not.toContain('loss');

    const sweep = [1, 2, 4].flatMap((vms) =>
      BUILTIN.map((p, k) => ({ ...resultRow(p, k, { 'vms.count': vms }), drop_pct: k === 1 ? vms : 0 })),
    );
    const [charts] = await chartsOf(['lossy-sweep.csv', sweep]);
    expect(charts.map((c) => c.name)).toEqual(['delivered-gbps', 'cores-used', 'latency-p99', 'loss']);
  });

  it('tells coinciding lines apart: each path has its own dash and point shape', async () => {
    const rows = [1, 2, 4].flatMap((vms) => BUILTIN.map((p) => resultRow(p, 0, { 'vms.count': vms })));
    const [[chart]] = await chartsOf(['same.csv', rows]);
    const lines = [
      ...chart.svg.matchAll(/<path aria-label="[^"]*" role="graphics-symbol" aria-roledescription="line mark"[^>]*>/g),
    ].map((m) => m[0]);
    expect(lines).toHaveLength(5);
    const dashes = lines.map((l) => /stroke-dasharray="([^"]+)"/.exec(l)?.[1]);
    expect(new Set(dashes).size).toBe(5);
    const shapes = dataMarks(chart.svg).filter((m) => m.kind === 'point');
    expect(shapes).toHaveLength(15);
    // Axis titles in words, from the declarations: the swept field's help and the metric's label.
    expect(chart.svg).toContain('number of VMs (vms.count)');
    expect(chart.svg).toContain('delivered (Gbit/s)');
  });

  it('puts frame sizes on a numeric axis to scale (log 2): 64 to 128 as far as 128 to 256', async () => {
    const rows = [64, 128, 256, 1024, 1518].flatMap((frame) =>
      BUILTIN.map((p, k) => ({
        frame_bytes: frame,
        path: p,
        zero_loss_load_pct: 50,
        search_probes: 8,
        ...resultRow(p, k),
      })),
    );
    const [[chart]] = await chartsOf(['rfc.csv', rows]);
    const ticks = new Map(
      [...chart.svg.matchAll(/transform="translate\(([-0-9.e]+),16\)"[^>]*>(\d+)<\/text>/g)].map((m) => [
        Number(m[2]),
        Number(m[1]),
      ]),
    );
    const x = (frame: number) => ticks.get(frame)!;
    expect([...ticks.keys()]).toEqual([64, 128, 256, 1024, 1518]);
    const octave = x(128) - x(64);
    expect(octave).toBeGreaterThan(10);
    expect(x(256) - x(128)).toBeCloseTo(octave, 3);
    expect(x(1024) - x(256)).toBeCloseTo(2 * octave, 3);
    expect(x(1518) - x(1024)).toBeCloseTo(Math.log2(1518 / 1024) * octave, 3);
  });
});

describe('the question, from the scenario', () => {
  it('says host, NIC, VMs, traffic, study, objectives and run in words', async () => {
    const { planFile } = await import('../src/scenario/plan.js');
    const { questionOf } = await import('../src/report/question.js');
    const q = questionOf(planFile(join(__dirname, '..', 'scenarios/experiments/capacity-1gbps-vms.yaml')));
    expect(q.title).toMatch(/^capacity-1gbps-vms: how many 1 Gbit\/s VMs fit/);
    const facts = Object.fromEntries(q.facts);
    expect(Object.keys(facts)).toEqual(['host', 'NIC', 'VMs', 'traffic', 'study', 'objectives', 'run']);
    expect(facts.host).toMatch(/^8 cores at 2\.9 GHz/);
    expect(facts.NIC).toMatch(/^10 Gbit\/s; interrupt moderation/);
    expect(facts.study).toBe('capacity search: the largest vms.count that meets every objective');
    expect(facts.objectives).toBe('p99 latency <= 200 us, loss <= 0.1 %, CPU <= 50 % of the host (4 cores)');
    expect(q.slo).toEqual({ p99LatencyUs: 200, lossPct: 0.1, cpuPct: 50 });
    expect(q.hostCores).toBe(8);
  });

  it('iovsim report --scenario matches scenarios to CSVs by name, and refuses one that matches none', async () => {
    const csv = csvFile(
      'named.csv',
      singleRows().map((r) => ({ ...r, scenario: 'quickstart' })),
    );
    const out = join(dir, 'named.html');
    const scenario = join(__dirname, '..', 'scenarios/quickstart.yaml');
    const { cli } = await import('./support/cli.js');
    const ok = await cli(['report', csv, '--scenario', scenario, '-o', out]);
    expect(ok.code, ok.err).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('<p class="question">quickstart: 10 GbE, 8 cores');
    const other = join(__dirname, '..', 'scenarios/published/r4-esx-netqueue-on-8vms.yaml');
    const bad = await cli(['report', csv, '--scenario', other, '-o', join(dir, 'never.html')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /^iovsim: --scenario: expected a scenario whose name is in the scenario column of one of the CSVs, found .*r4-esx-netqueue-on-8vms\.yaml \(name "r4-esx-netqueue-on-8vms"\)\n$/,
    );
    expect(existsSync(join(dir, 'never.html'))).toBe(false);
  });
});
