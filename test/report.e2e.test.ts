import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../src/cli/commands/report.js';
import { cli } from './support/cli.js';

/**
 * The report as a person sees it: simulator output, turned into a page, opened in a real
 * headless Chromium. The browser is Debian's, installed by scripts/ensure-chromium.sh;
 * playwright-core only drives it and never downloads one. IOVSIM_CHROMIUM names another
 * Chromium binary.
 */
const CHROMIUM = process.env.IOVSIM_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const dir = mkdtempSync(join(tmpdir(), 'iovsim-report-e2e-'));
const SHORT = 'duration: 10 ms\nwarmup: 1 ms\nvms: {count: 2}\n';
const POINT = `name: point\ndescription: two VMs, saturating, every path\n${SHORT}`;
// Emulation cannot carry 8 Gbit/s: the sweep has drops, so its report has a loss chart.
const SWEEP = `name: sweep\ndescription: load against loss\n${SHORT}traffic: {arrivals: poisson}\nsweep:\n  traffic.load: [2 Gbit/s, 8 Gbit/s]\n`;
let browser: Browser | undefined;
let html: string;
let written: string[];

beforeAll(async () => {
  writeFileSync(join(dir, 'point.yaml'), POINT);
  writeFileSync(join(dir, 'sweep.yaml'), SWEEP);
  for (const f of ['point.yaml', 'sweep.yaml']) {
    const r = await cli(['run', join(dir, f), '--out', dir, '--quiet', '--jobs', '1']);
    expect(r.code, r.err).toBe(0);
  }
  html = join(dir, 'report.html');
  // With the scenarios, as iovsim report --scenario: the page states each run's question.
  written = await reportCommand([join(dir, 'point.csv'), join(dir, 'sweep.csv')], html, [
    join(dir, 'sweep.yaml'),
    join(dir, 'point.yaml'),
  ]);
}, 30_000);

afterAll(async () => {
  await browser?.close();
});

describe('the HTML report in headless Chromium', () => {
  it('renders every chart with marks, logs no error and requests nothing but itself', async () => {
    // A missing browser fails the test loudly, never skips it: this test is the only proof
    // that the report renders and stays offline.
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: run scripts/ensure-chromium.sh (it installs Debian's chromium), then run the tests again`,
      );
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    expect(written).toContain(html);
    expect(written.filter((f) => f.endsWith('.svg'))).toHaveLength(7);
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(html).href;
    const response = await page.goto(url, { waitUntil: 'load' });
    expect(response?.ok() ?? true).toBe(true);

    const charts = await page.$$eval('figure.chart', (figures) =>
      figures.map((f) => ({
        name: f.getAttribute('data-chart'),
        // Data marks only: vega puts them in groups of role "mark"; axes and legends have roles of their own.
        marks: f.querySelectorAll(
          'svg g.role-mark path, svg g.role-mark rect, svg g.role-mark line, svg g.role-mark symbol',
        ).length,
        width: f.querySelector('svg')?.getBoundingClientRect().width ?? 0,
        caption: f.querySelector('figcaption')?.textContent ?? '',
      })),
    );
    expect(charts.map((c) => c.name)).toEqual([
      'throughput',
      'cores-by-cause',
      'latency',
      'delivered-gbps',
      'cores-used',
      'latency-p99',
      'loss',
    ]);
    for (const c of charts) {
      expect(c.marks, `chart ${c.name} has no marks`).toBeGreaterThan(0);
      expect(c.width, `chart ${c.name} is not laid out`).toBeGreaterThan(100);
      expect(c.caption.length).toBeGreaterThan(20);
    }
    expect(await page.$$eval('h2', (hs) => hs.map((h) => h.textContent))).toHaveLength(2);

    // Each part starts with the question, what the run was, and a table of the key numbers.
    const sections = await page.$$eval('section', (ss) =>
      ss.map((s) => ({
        question: s.querySelector('p.question')?.textContent ?? '',
        facts: [...s.querySelectorAll('dl.facts dt')].map((d) => d.textContent),
        host: s.querySelector('dl.facts dd')?.textContent ?? '',
        header: [...s.querySelectorAll('table.key thead th')].map((h) => h.textContent),
        rows: s.querySelectorAll('table.key tbody tr').length,
        visible: (s.querySelector('table.key') as HTMLElement | null)?.offsetHeight ?? 0,
      })),
    );
    expect(sections.map((s) => s.question)).toEqual([
      'point: two VMs, saturating, every path',
      'sweep: load against loss',
    ]);
    for (const s of sections) {
      expect(s.facts).toEqual(expect.arrayContaining(['host', 'NIC', 'VMs', 'traffic', 'run']));
      expect(s.host).toMatch(/^\d+ cores at [0-9.]+ GHz/);
      expect(s.visible).toBeGreaterThan(0);
    }
    expect(sections[0].header).toEqual(['path', 'delivered (Gbit/s)', 'drops (%)', 'latency p99 (us)', 'cores used']);
    expect(sections[0].rows).toBe(5);
    expect(sections[1].header[0]).toBe('traffic.load');
    expect(sections[1].rows).toBe(10);
    // The cores axis carries the host's ceiling as a dashed rule; each sweep line has its own dash.
    const ceiling = await page.$$eval('figure[data-chart="cores-by-cause"] svg text', (ts) =>
      ts.map((t) => t.textContent).filter((t) => t?.startsWith('host:')),
    );
    expect(ceiling).toHaveLength(1);
    const dashes = await page.$$eval(
      'figure[data-chart="delivered-gbps"] svg path[aria-roledescription="line mark"]',
      (ps) => ps.map((p) => p.getAttribute('stroke-dasharray')),
    );
    expect(new Set(dashes).size).toBe(5);

    const shot = join(mkdtempSync(join(tmpdir(), 'iovsim-report-shot-')), 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`report screenshot: ${shot}`);
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');

    await page.close();
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
  }, 30_000);
});
