import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStudio, studioDir, type StudioServer } from '../src/cli/commands/studio.js';
import { cli } from './support/cli.js';

/**
 * The studio as a person uses it, in Debian's headless Chromium (as the report's browser
 * test): served by `iovsim studio`'s own server, knobs moved, the answer compared with
 * `iovsim run` on the scenario the page exports. IOVSIM_UPDATE_SCREENSHOT=1 also writes
 * the screenshot to docs/studio.png (the README's picture; `npm run screenshot`).
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

type Row = Record<string, string | number>;
let browser: Browser | undefined;
let studio: StudioServer;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run scripts/ensure-chromium.sh (it installs Debian's chromium), then run the tests again`,
    );
  }
  studio = await serveStudio(studioDir(), 0);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}, 20_000);

afterAll(async () => {
  await browser?.close();
  await studio?.close();
});

/** A page that records its console errors and every request it makes. */
async function open(url: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, requests };
}

/** Waits until the page has simulated what it shows, and returns the rows it simulated. */
async function result(page: Page, paths: number): Promise<Row[]> {
  await page.waitForFunction(
    (n) => {
      const r = document.getElementById('results')!;
      return r.dataset.state === 'done' && (JSON.parse(r.dataset.rows ?? '[]') as unknown[]).length === n;
    },
    paths,
    { timeout: 15_000 },
  );
  return JSON.parse((await page.getAttribute('#results', 'data-rows'))!) as Row[];
}

describe('iovsim studio in headless Chromium', () => {
  it('runs the simulator in the page, matches iovsim run, cancels, stays responsive and offline', async () => {
    const { page, errors, requests } = await open(studio.url);
    const first = await result(page, 5);
    expect(first.map((r) => r.path)).toEqual(['native', 'emulated', 'paravirtual', 'vmdq', 'sriov']);
    expect(await page.textContent('#version')).toMatch(/^\d+\.\d+\.\d+/);
    expect(await page.textContent('#seed-shown')).toBe('1');

    // Knobs: two VMs, no emulated path.
    await page.fill('#vms', '2');
    await page.uncheck('#path-emulated');
    const rows = await result(page, 4);
    expect(rows.map((r) => r.path)).toEqual(['native', 'paravirtual', 'vmdq', 'sriov']);
    expect(rows.every((r) => r.vms === 2)).toBe(true);
    // The instant estimate is there, and bounds what was simulated.
    const bounds = await page.$$eval('#estimate-table tr[data-path]', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-path'), Number(tr.children[3].textContent)] as const),
    );
    expect(bounds.map(([p]) => p)).toEqual(['native', 'paravirtual', 'vmdq', 'sriov']);
    for (const [p, bound] of bounds)
      expect(Number(rows.find((r) => r.path === p)!.delivered_gbps)).toBeLessThanOrEqual(bound * 1.01);
    expect(await page.$$eval('#charts figure svg', (s) => s.length)).toBe(3);

    // The exported scenario, run by the CLI with its seed, gives exactly the page's rows.
    const dir = mkdtempSync(join(tmpdir(), 'iovsim-studio-'));
    const file = join(dir, 'studio.yaml');
    writeFileSync(file, await page.inputValue('#scenario-text'));
    const cliRun = await cli(['run', file, '--out', dir, '--quiet', '--format', 'json', '--jobs', '1']);
    expect(cliRun.code, cliRun.err).toBe(0);
    // --format json wraps each file's rows with their provenance.
    expect((JSON.parse(cliRun.out) as { results: { rows: Row[] }[] }).results[0].rows).toEqual(rows);

    const shot = join(dir, 'studio.png');
    await page.screenshot({ path: shot });
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    if (process.env.IOVSIM_UPDATE_SCREENSHOT) copyFileSync(shot, join(__dirname, '..', 'docs', 'studio.png'));

    // A long run keeps the tab responsive, and a knob that moves cancels it.
    await page.fill('#duration', '2 s');
    await page.press('#duration', 'Tab');
    await page.waitForFunction(() => Number((document.getElementById('progress') as HTMLProgressElement).value) > 0.02);
    const asked = performance.now();
    expect(await page.evaluate(() => document.getElementById('results')!.dataset.state)).toBe('running');
    expect(performance.now() - asked).toBeLessThan(1000);
    const cancelled = performance.now();
    await page.fill('#duration', '20 ms');
    await page.press('#duration', 'Tab');
    const short = await result(page, 4);
    expect(Number(short[0].window_ms)).toBeCloseTo(15, 6);
    // The 2-s run's workers were terminated, not left running beside the new one.
    expect(await page.getAttribute('#results', 'data-workers')).toBe('0');
    expect(performance.now() - cancelled).toBeLessThan(8000);

    // A scenario pasted in: its sweep is left out (one point), its values reach the knobs.
    await page.fill(
      '#scenario-text',
      'name: pasted\nduration: 20 ms\nvms: {count: 3}\npaths: [sriov]\nsweep: {vms.count: [1, 2]}\n',
    );
    await page.click('#load-text');
    const pasted = await result(page, 1);
    expect(pasted[0].scenario).toBe('pasted');
    expect(pasted[0].vms).toBe(3);
    expect(await page.inputValue('#vms')).toBe('3');
    expect(await page.textContent('#notice')).toContain('left out: sweep');

    await page.close();
    expect(errors).toEqual([]);
    const origin = new URL(studio.url).origin;
    expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith(`blob:${origin}/`))).toEqual([]);
  }, 30_000);

  it('works opened as a file, with no server', async () => {
    const url = pathToFileURL(join(studioDir(), 'index.html')).href;
    const { page, errors, requests } = await open(url);
    const rows = await result(page, 5);
    expect(rows[4].path).toBe('sriov');
    await page.close();
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file://') && !u.startsWith('blob:null/'))).toEqual([]);
  }, 20_000);
});

describe('iovsim studio, the server', () => {
  it('serves the page and its script, and nothing outside it', async () => {
    const get = (path: string) => fetch(new URL(path, studio.url));
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('studio.js');
    expect((await get('/studio.js')).status).toBe(200);
    for (const bad of ['/../package.json', '/%2e%2e/package.json', '/nothing.js', '/index.html/..%2f..%2fpackage.json'])
      expect((await get(bad)).status, bad).toBe(404);
    expect((await fetch(studio.url, { method: 'POST' })).status).toBe(405);
  });

  it('iovsim studio --port refuses a port that is not one', async () => {
    const r = await cli(['studio', '--port', '70000']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--port');
  });
});
