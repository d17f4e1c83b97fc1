/**
 * iovsim studio: the page. Knobs edit a scenario (knobs.ts); every change is planned by the
 * scenario layer exactly as `iovsim run` plans a file (planScenario: the same schema, the
 * same checks), bounded at once by the operational laws (experiment/estimate.ts), and
 * simulated on Web Workers by the CLI's own runTask (runs.ts). A change cancels the run in
 * flight. Results are drawn with the report's own chart specs. Nothing is fetched: the
 * bundle carries the simulator, the charts and the worker.
 */
import { stringify } from 'yaml';
import { InputError, InputErrors } from '../errors.js';
import { estimateExperiment, type PathEstimate } from '../experiment/estimate.js';
import type { Task } from '../experiment/task.js';
import { HOST_MODELS, NIC_MODELS } from '../model/catalog.js';
import { CPU_PLATFORM_NAMES, CPU_PLATFORMS } from '../model/platforms.js';
import { toTable } from '../output/table.js';
import { pathPalette } from '../report/palette.js';
import { renderSvg } from '../report/render.js';
import { singleCharts } from '../report/single-charts.js';
import { classify } from '../report/table.js';
import { parseText } from '../scenario/load.js';
import { planScenario } from '../scenario/plan.js';
import type { Experiment } from '../scenario/resolve.js';
import {
  applyKnobs,
  costRows,
  DEFAULT_SCENARIO,
  defaultsFor,
  ITR_CHOICES,
  knobsOf,
  knownPaths,
  STUDY_BLOCKS,
  type Knobs,
  type Raw,
} from './knobs.js';
import { liveWorkers, PathRuns } from './runs.js';

declare const __IOVSIM_VERSION__: string;
declare const __WORKER_SOURCE__: string;

type Row = Record<string, string | number>;

/** The file name the page's scenario has: what `iovsim run` would call it when saved. */
const FILE = 'studio.yaml';
/** A knob that keeps moving (a slider dragged) starts a simulation once it rests this long; the estimate follows at once. */
const SETTLE_MS = 150;

const $ = <T extends HTMLElement = HTMLInputElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`studio: no element #${id}`);
  return el as T;
};

const workerUrl = URL.createObjectURL(new Blob([__WORKER_SOURCE__], { type: 'text/javascript' }));
const parallel = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2));

let base: Raw = structuredClone(DEFAULT_SCENARIO);
let knobs: Knobs = knobsOf(base);
let runs: PathRuns | undefined;
let generation = 0;
let settle: ReturnType<typeof setTimeout> | undefined;
let downloadUrl: string | undefined;

// ---------------------------------------------------------------- knobs <-> inputs

function options(select: HTMLSelectElement, values: [string, string][]): void {
  select.replaceChildren(
    ...values.map(([value, label]) => {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = label;
      return o;
    }),
  );
}

function setup(): void {
  $('version').textContent = __IOVSIM_VERSION__;
  options(
    $<HTMLSelectElement>('host-model'),
    HOST_MODELS.map((m) => [m, m]),
  );
  options($<HTMLSelectElement>('cpu'), [
    ['', "iovsim's default (2009-2010 server core)"],
    ...CPU_PLATFORM_NAMES.map((p): [string, string] => [p, `${p} (${CPU_PLATFORMS[p].year})`]),
  ]);
  options(
    $<HTMLSelectElement>('nic-model'),
    NIC_MODELS.map((m) => [m, m]),
  );
  $('itr-choices').replaceChildren(
    ...ITR_CHOICES.map((c) => {
      const o = document.createElement('option');
      o.value = c;
      return o;
    }),
  );
}

const checked = (id: string): boolean => $(id).checked;
const value = (id: string): string => $(id).value;
const wholeNumber = (id: string, fallback: number): number => {
  const n = Number(value(id));
  return Number.isFinite(n) && value(id).trim() !== '' ? n : fallback;
};

function readKnobs(): Knobs {
  const costs: Knobs['costs'] = {};
  for (const input of document.querySelectorAll<HTMLInputElement>('#costs-table input')) {
    const v = input.value.trim();
    if (v !== '' && Number.isFinite(Number(v))) costs[input.dataset.cost as keyof Knobs['costs']] = Number(v);
  }
  return {
    hostModel: value('host-model'),
    cpu: value('cpu'),
    cores: value('cores'),
    clock: value('clock'),
    hypervisorCores: value('hypervisor-cores') || 'auto',
    posted: checked('posted'),
    gro: checked('gro'),
    nicModel: value('nic-model'),
    lineRate: value('line-rate'),
    itr: value('itr') || 'bulk',
    lro: checked('lro'),
    vms: wholeNumber('vms', knobs.vms),
    kind: value('kind') as Knobs['kind'],
    direction: value('direction') as Knobs['direction'],
    load: value('load') as Knobs['load'],
    rate: value('rate'),
    frame: value('frame') === 'mix from the file' ? 'file' : value('frame'),
    requestBytes: value('request-bytes'),
    responseBytes: value('response-bytes'),
    appCycles: wholeNumber('app-cycles', 0),
    rrLoop: value('rr-loop') as Knobs['rrLoop'],
    concurrency: wholeNumber('concurrency', 1),
    ratePerVm: value('rate-per-vm'),
    paths: [...document.querySelectorAll<HTMLInputElement>('#paths input:checked')].map((i) => i.value),
    duration: value('duration'),
    warmup: value('warmup'),
    seed: wholeNumber('seed', 1),
    costs,
  };
}

function writeKnobs(k: Knobs): void {
  const set = (id: string, v: string | number) => ($(id).value = String(v));
  set('host-model', k.hostModel);
  set('cpu', k.cpu);
  set('cores', k.cores);
  set('clock', k.clock);
  set('hypervisor-cores', k.hypervisorCores);
  $('posted').checked = k.posted;
  $('gro').checked = k.gro;
  set('nic-model', k.nicModel);
  set('line-rate', k.lineRate);
  set('itr', k.itr);
  $('lro').checked = k.lro;
  set('vms', k.vms);
  set('vms-range', Math.min(64, k.vms));
  set('kind', k.kind);
  set('direction', k.direction);
  set('load', k.load);
  set('rate', k.rate);
  syncRateRange();
  set('frame', k.frame === 'file' ? 'mix from the file' : k.frame);
  set('request-bytes', k.requestBytes);
  set('response-bytes', k.responseBytes);
  set('app-cycles', k.appCycles);
  set('rr-loop', k.rrLoop);
  set('concurrency', k.concurrency);
  set('rate-per-vm', k.ratePerVm);
  set('duration', k.duration);
  set('warmup', k.warmup);
  set('seed', k.seed);
  $('paths').replaceChildren(
    ...knownPaths(base).map((p) => {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = p;
      box.id = `path-${p}`;
      box.checked = k.paths.includes(p);
      label.append(box, ` ${p}`);
      return label;
    }),
  );
  writeCosts(k);
  shape(k);
}

/** Shows the knobs that apply, and the values a blank field stands for. */
function shape(k: Knobs): void {
  const rr = k.kind === 'request_response';
  $('bulk-knobs').classList.toggle('hidden', rr);
  $('rr-knobs').classList.toggle('hidden', !rr);
  $('rate-row').classList.toggle('hidden', k.load !== 'per-vm' && k.load !== 'total');
  $('concurrency-row').classList.toggle('hidden', k.rrLoop !== 'closed');
  $('rate-per-vm-row').classList.toggle('hidden', k.rrLoop !== 'open');
  $<HTMLSelectElement>('direction').disabled = rr;
  const d = defaultsFor(k);
  $('cores').placeholder = `${d.cores} (default)`;
  $('clock').placeholder = `${d.clock} (default)`;
  $('line-rate').placeholder = `${d.lineRate} (default)`;
}

function writeCosts(k: Knobs): void {
  const head = document.createElement('tr');
  for (const h of ['cost', 'value', 'default', 'unit', 'source']) {
    const th = document.createElement('th');
    th.textContent = h;
    head.append(th);
  }
  const rows = costRows(k.cpu).map((c) => {
    const tr = document.createElement('tr');
    const name = document.createElement('td');
    name.textContent = c.name;
    name.title = c.help;
    const input = document.createElement('input');
    input.type = 'number';
    input.min = '0';
    input.step = 'any';
    input.dataset.cost = c.name;
    input.id = `cost-${c.name}`;
    input.placeholder = String(c.value);
    input.value = k.costs[c.name] === undefined ? '' : String(k.costs[c.name]);
    const cell = document.createElement('td');
    cell.append(input);
    const dflt = document.createElement('td');
    dflt.className = 'num';
    dflt.textContent = String(c.value);
    const unit = document.createElement('td');
    unit.textContent = c.unit;
    const source = document.createElement('td');
    source.className = 'source';
    source.textContent = c.source;
    tr.append(name, cell, dflt, unit, source);
    return tr;
  });
  $('costs-table').replaceChildren(head, ...rows);
}

/** The rate slider shows a rate in Gbit/s; a rate typed in another unit leaves it where it is. */
function syncRateRange(): void {
  const m = /^\s*([0-9.]+)\s*Gbit\/s\s*$/.exec(value('rate'));
  if (m) $('rate-range').value = m[1];
}

// ---------------------------------------------------------------- planning, estimate, runs

function describeError(e: unknown): string {
  if (e instanceof InputError) return e.describe();
  if (e instanceof InputErrors) return e.errors.map((x) => x.describe()).join('; ');
  return `internal error (a bug): ${e instanceof Error ? e.message : String(e)}`;
}

function say(text: string, error = false): void {
  const m = $('message');
  m.textContent = text;
  m.classList.toggle('error', error);
}

function cancel(): void {
  if (settle !== undefined) clearTimeout(settle);
  settle = undefined;
  runs?.cancel();
  runs = undefined;
}

/** The scenario the knobs describe, as text and as a download. */
function showScenario(raw: Raw): void {
  const text = `# iovsim ${__IOVSIM_VERSION__} studio scenario: run it with npx iovsim run ${FILE}\n${stringify(raw)}`;
  const area = $<HTMLTextAreaElement>('scenario-text');
  area.value = text;
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([text], { type: 'text/yaml' }));
  $<HTMLAnchorElement>('download').href = downloadUrl;
}

/** Something changed: plan it, show the bound now, and simulate once the knobs rest. */
function update(now = false): void {
  cancel();
  const gen = ++generation;
  const raw = applyKnobs(base, knobs);
  showScenario(raw);
  const results = $('results');
  results.dataset.state = 'planning';
  $('simulated').classList.add('stale');
  let exp: Experiment;
  try {
    exp = planScenario(raw, FILE).points[0].exp;
  } catch (e) {
    results.dataset.state = 'error';
    $('estimate-table').replaceChildren();
    // What is exported is a scenario the schema accepts: not this one.
    $<HTMLAnchorElement>('download').removeAttribute('href');
    say(describeError(e), true);
    return;
  }
  $('seed-shown').textContent = String(exp.config.seed);
  const estimates = estimateExperiment(exp);
  showEstimate(estimates);
  results.dataset.state = 'running';
  $<HTMLProgressElement>('progress').value = 0;
  say(`estimate ready; simulating ${exp.paths.length} paths ...`);
  const start = () => simulate(exp, estimates, gen);
  if (now) start();
  else settle = setTimeout(start, SETTLE_MS);
}

function simulate(exp: Experiment, estimates: PathEstimate[], gen: number): void {
  const tasks: Task[] = exp.paths.map((path) => ({
    config: exp.config,
    path,
    warmupAuto: exp.warmupAuto,
    label: exp.name,
  }));
  const started = performance.now();
  const mine = new PathRuns(workerUrl, parallel);
  runs = mine;
  mine.start(tasks, {
    progress: (done) => {
      if (gen !== generation) return;
      $<HTMLProgressElement>('progress').value = done;
      say(`simulating ${tasks.length} paths: ${Math.floor(100 * done)} %`);
    },
    done: (rows, warnings) => {
      if (gen !== generation) return;
      void showResults(exp, rows, warnings, estimates, gen, (performance.now() - started) / 1000);
    },
    failed: (message) => {
      if (gen !== generation) return;
      $('results').dataset.state = 'error';
      say(`the run failed: ${message}`, true);
    },
  });
}

const fmt = (x: number, digits = 3): string =>
  !Number.isFinite(x) ? 'unbounded' : x >= 1e5 ? x.toExponential(2) : x.toFixed(x >= 100 ? 0 : digits);

function cell(text: string, num = false): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (num) td.className = 'num';
  return td;
}

function showEstimate(estimates: PathEstimate[], rows?: Row[]): void {
  const rr = estimates.some((e) => e.transactionsPerSec !== undefined);
  const head = document.createElement('tr');
  const headings = [
    'path',
    'bottleneck',
    'its work',
    'delivered Gbit/s <=',
    'TCP payload Gbit/s <=',
    ...(rr ? ['transactions/s <='] : []),
    rr ? 'simulated transactions/s' : 'simulated Gbit/s',
    'of the bound',
  ];
  for (const h of headings) {
    const th = document.createElement('th');
    th.textContent = h;
    head.append(th);
  }
  const lines = estimates.map((e) => {
    const tr = document.createElement('tr');
    tr.dataset.path = e.path;
    const r = e.resources.find((x) => x.name === e.bottleneck);
    const sim = rows?.find((x) => x.path === e.path);
    // Request/response: the transactions are what the bound is about (delivered bits are only the requests').
    const simulated = sim ? Number(rr ? sim.transactions_per_s : sim.delivered_gbps) : NaN;
    const bound = rr ? (e.transactionsPerSec ?? NaN) : e.deliveredGbps;
    tr.append(
      cell(e.path),
      cell(e.bottleneck),
      cell(r ? r.hops.join(', ') : e.cap ? `per VM: ${e.cap.kind}` : ''),
      cell(fmt(e.deliveredGbps), true),
      cell(fmt(e.payloadGbps), true),
      ...(rr ? [cell(e.transactionsPerSec === undefined ? '' : fmt(e.transactionsPerSec, 0), true)] : []),
      cell(sim ? fmt(simulated, rr ? 0 : 3) : '...', true),
      cell(sim && bound > 0 ? `${Math.round((100 * simulated) / bound)} %` : '', true),
    );
    return tr;
  });
  $('estimate-table').replaceChildren(head, ...lines);
}

async function showResults(
  exp: Experiment,
  rows: Row[],
  warnings: string[],
  estimates: PathEstimate[],
  gen: number,
  seconds: number,
): Promise<void> {
  const title = `${exp.name}: ${exp.description}`.replace(/: $/, '');
  $('sim-table').textContent = toTable(title, rows);
  showEstimate(estimates, rows);
  $('warnings').textContent = warnings.length ? `Law checks outside their tolerance: ${warnings.join('; ')}` : '';
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const table = classify({
    file: FILE,
    columns,
    rows: rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] === undefined ? '' : String(r[c])]))),
  });
  const figures: HTMLElement[] = [];
  for (const chart of singleCharts(table, pathPalette(rows.map((r) => String(r.path))))) {
    const svg = await renderSvg(chart, `studio-${gen}-${chart.name}`);
    if (gen !== generation) return;
    const figure = document.createElement('figure');
    figure.dataset.chart = chart.name;
    figure.innerHTML = svg;
    figure.title = chart.caption;
    figures.push(figure);
  }
  $('charts').replaceChildren(...figures);
  $('simulated').classList.remove('stale');
  $<HTMLProgressElement>('progress').value = 1;
  const results = $('results');
  results.dataset.rows = JSON.stringify(rows);
  results.dataset.workers = String(liveWorkers());
  results.dataset.state = 'done';
  say(
    `simulated ${rows.length} paths in ${seconds.toFixed(1)} s (seed ${exp.config.seed}, ${exp.config.durationNs / 1e6} ms)`,
  );
}

// ---------------------------------------------------------------- files

/** Loads a scenario's text: one point of it (a sweep or search is dropped, and said so), checked as `run` would. */
function load(name: string, text: string): void {
  let raw: Raw;
  try {
    const data = parseText(name, text);
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      throw new InputError('', 'a scenario (a mapping of fields)', typeof data, name);
    raw = data as Raw;
    const dropped = STUDY_BLOCKS.filter((b) => raw[b] !== undefined);
    for (const b of dropped) delete raw[b];
    raw.name ??= name.replace(/\.(ya?ml|json)$/i, '');
    planScenario(raw, name);
    base = raw;
    knobs = knobsOf(base);
    writeKnobs(knobs);
    $('notice').textContent = `Loaded ${name}.${
      dropped.length ? ` The studio runs one point, so it left out: ${dropped.join(', ')}.` : ''
    }`;
    update(true);
  } catch (e) {
    $('results').dataset.state = 'error';
    say(`${describeError(e)}`, true);
  }
}

function wire(): void {
  const panel = $('knobs');
  const changed = (e: Event) => {
    const target = e.target as HTMLElement;
    if (target.id === 'scenario-text') return;
    if (target.id === 'vms-range') $('vms').value = value('vms-range');
    if (target.id === 'vms') $('vms-range').value = String(Math.min(64, Number(value('vms')) || 1));
    if (target.id === 'rate-range') $('rate').value = `${value('rate-range')} Gbit/s`;
    if (target.id === 'rate') syncRateRange();
    // A new catalog entry or platform brings its own cores, clock or line rate: blank fields take them.
    if (target.id === 'cpu' || target.id === 'host-model') $('cores').value = $('clock').value = '';
    if (target.id === 'nic-model') $('line-rate').value = '';
    const cpuBefore = knobs.cpu;
    knobs = readKnobs();
    if (target.id === 'kind' && knobs.kind === 'request_response') {
      knobs.direction = 'rx';
      $('direction').value = 'rx';
    }
    if (knobs.cpu !== cpuBefore) writeCosts(knobs);
    shape(knobs);
    update(e.type === 'change' && !(target instanceof HTMLInputElement && target.type === 'range'));
  };
  panel.addEventListener('input', changed);
  panel.addEventListener('change', (e) => {
    // Text fields report every keystroke as input already; their change (on leaving) only starts the run sooner.
    if ((e.target as HTMLElement).id === 'scenario-text') return;
    changed(e);
  });
  $('load-text').addEventListener('click', () => load(FILE, value('scenario-text')));
  $('reset').addEventListener('click', () => {
    $('notice').textContent = '';
    base = structuredClone(DEFAULT_SCENARIO);
    knobs = knobsOf(base);
    writeKnobs(knobs);
    update(true);
  });
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    const file = e.dataTransfer?.files[0];
    if (file) void file.text().then((text) => load(file.name, text));
  });
}

setup();
writeKnobs(knobs);
wire();
update(true);
