#!/usr/bin/env node
// Turns Stryker's JSON reports (mutation-testing-report-schema) into results/mutation.md: the score
// per file and per folder, and every surviving mutant with its replacement, for a person to judge
// whether it is equivalent or a hole in the tests. Run by `npm run mutation` (scripts/mutation.sh)
// over the reports of its chunks. A report whose mutated sources have changed since it was made
// is refused, so the summary always describes the code as it is.
//
//   node scripts/mutation-summary.mjs [--out results/mutation.md] report.json...
//   node scripts/mutation-summary.mjs --check report.json [globs [run|ignore [vitest config]]]
//     exit 0 when its sources (and globs, whether static mutants ran, and the tests' configuration)
//     are those of now
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, posix, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const take = (name, withValue) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  return args.splice(i, withValue ? 2 : 1)[withValue ? 1 : 0];
};
const check = take('--check', false) !== undefined;
const outFile = take('--out', true) ?? join(root, 'results/mutation.md');
const reportFiles = args.length ? args : [join(root, 'reports/mutation/mutation.json')];

/** The files of `report` whose source on disk differs from the one Stryker mutated. */
const staleFiles = (report) =>
  Object.entries(report.files)
    .filter(([name, f]) => !existsSync(join(root, name)) || readFileSync(join(root, name), 'utf8') !== f.source)
    .map(([name]) => name);

if (check) {
  const report = JSON.parse(readFileSync(reportFiles[0], 'utf8'));
  const stale = staleFiles(report);
  if (stale.length) console.log(`mutation: ${relative(root, reportFiles[0])} is stale: ${stale.join(', ')} changed`);
  // The chunk's globs as mutation.sh has them now: a report of other globs is another chunk's.
  const globs = reportFiles[1];
  const other = globs !== undefined && (report.config?.mutate ?? []).join(',') !== globs;
  if (other) console.log(`mutation: ${relative(root, reportFiles[0])} mutated other files than ${globs}`);
  const staticMode = reportFiles[2];
  const otherStatic =
    staticMode !== undefined && (report.config?.ignoreStatic === false ? 'run' : 'ignore') !== staticMode;
  if (otherStatic) console.log(`mutation: ${relative(root, reportFiles[0])} did not ${staticMode} static mutants`);
  const vitest = reportFiles[3];
  const ranWith = report.config?.vitest?.configFile;
  const otherTests = vitest !== undefined && ranWith !== vitest;
  if (otherTests) console.log(`mutation: ${relative(root, reportFiles[0])} ran the tests of ${ranWith}, not ${vitest}`);
  process.exit(stale.length || other || otherStatic || otherTests ? 1 : 0);
}

const present = reportFiles.filter((f) => existsSync(f));
const missing = reportFiles.filter((f) => !existsSync(f));
if (present.length === 0) {
  console.error(`mutation summary: no report (looked for ${reportFiles.map((f) => relative(root, f)).join(', ')})`);
  process.exit(1);
}
const reports = present.map((file) => ({ file, report: JSON.parse(readFileSync(file, 'utf8')) }));
const stale = reports.flatMap(({ file, report }) => staleFiles(report).map((n) => `${n} (${relative(root, file)})`));
if (stale.length) {
  console.error(`mutation summary: changed since they were mutated, rerun their chunks: ${stale.join(', ')}`);
  process.exit(1);
}
const report = { files: Object.assign({}, ...reports.map((r) => r.report.files)) };
const config = reports[0].report.config ?? {};
const framework = reports[0].report.framework;

// Survivors a person judged equivalent (scripts/mutation-equivalent.json): listed apart with the
// reason and left out of the total. A judgement names one mutant of the source as mutated; one that
// no longer matches a survivor (its source changed, or a test now kills it) is listed as stale.
// Mutants that start at one place with the same mutator and replacement (`a > 0 && b && c` → `true`
// for `a > 0`, for `a > 0 && b` and for all of it) are told apart by `original`, the code replaced.
const judgementsFile = join(root, 'scripts/mutation-equivalent.json');
const judgements = existsSync(judgementsFile) ? JSON.parse(readFileSync(judgementsFile, 'utf8')).judgements : [];
const keyOf = (where, mutator, replacement) => `${where}|${mutator}|${replacement}`;
const judged = new Map();
for (const j of judgements) {
  const key = keyOf(j.where, j.mutator, j.replacement);
  judged.set(key, [...(judged.get(key) ?? []), j]);
}
const matched = new Set();

const blank = () => ({ Killed: 0, Survived: 0, Equivalent: 0, NoCoverage: 0, Timeout: 0, Ignored: 0, errors: 0 });
const add = (t, status) => {
  if (status === 'CompileError' || status === 'RuntimeError') t.errors++;
  else if (status in t) t[status]++;
};
const total = (t) => t.Killed + t.Survived + t.NoCoverage + t.Timeout;
const score = (t) => (total(t) === 0 ? '–' : ((100 * (t.Killed + t.Timeout)) / total(t)).toFixed(1));
const row = (name, t) =>
  `| ${name} | ${t.Killed} | ${t.Survived} | ${t.Equivalent} | ${t.NoCoverage} | ${t.Timeout} | ${t.Ignored} | ${t.errors} | ${total(t)} | ${score(t)} |`;

/** One line of markdown table text: no pipes or newlines, and not too long. */
const cell = (s, max = 70) => {
  const one = s.replace(/\s+/g, ' ').trim();
  const cut = one.length > max ? `${one.slice(0, max - 1)}…` : one;
  return `\`${cut.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
};

/** The source text a mutant replaced (the report's lines and columns count from 1; end is exclusive). */
function original(source, { start, end }) {
  const lines = source.split('\n');
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  return [
    lines[start.line - 1].slice(start.column - 1),
    ...lines.slice(start.line, end.line - 1),
    lines[end.line - 1].slice(0, end.column - 1),
  ].join('\n');
}

const files = Object.entries(report.files)
  .map(([name, f]) => [posix.normalize(name.replace(/\\/g, '/')), f])
  .sort(([a], [b]) => a.localeCompare(b));

const byFile = new Map();
const byFolder = new Map();
const all = blank();
const survivors = [];
const equivalent = [];
const uncovered = [];
for (const [name, f] of files) {
  const t = blank();
  const folder = posix.dirname(name);
  if (!byFolder.has(folder)) byFolder.set(folder, blank());
  for (const m of f.mutants) {
    const key = keyOf(`${name}:${m.location.start.line}:${m.location.start.column}`, m.mutatorName, m.replacement);
    const from = original(f.source, m.location);
    const judgement =
      m.status === 'Survived'
        ? judged.get(key)?.find((j) => j.original === undefined || j.original === from)
        : undefined;
    if (judgement) matched.add(judgement);
    const status = judgement ? 'Equivalent' : m.status;
    add(t, status);
    add(byFolder.get(folder), status);
    add(all, status);
    const entry = { name, m, from, reason: judgement?.reason };
    if (judgement) equivalent.push(entry);
    else if (m.status === 'Survived') survivors.push(entry);
    if (m.status === 'NoCoverage') uncovered.push(entry);
  }
  byFile.set(name, t);
}
// Judgements of files these reports mutated that match no survivor any more.
const staleJudgements = judgements.filter((j) => j.where.split(':')[0] in report.files && !matched.has(j));
const byLocation = (a, b) =>
  a.name.localeCompare(b.name) ||
  a.m.location.start.line - b.m.location.start.line ||
  a.m.location.start.column - b.m.location.start.column;
survivors.sort(byLocation);
equivalent.sort(byLocation);
uncovered.sort(byLocation);

// What ran: the test files on disk less those the mutation config excludes, and the tests that
// its setup file skips (read from the two files, which name them as plain strings).
const text = (f) => (existsSync(join(root, f)) ? readFileSync(join(root, f), 'utf8') : '');
const vitestConfig = config.vitest?.configFile ?? 'vitest.config.ts';
const excluded = [...text(vitestConfig).matchAll(/'(test\/[^']+\.test\.ts)'/g)].map((m) => m[1]);
const skipped = [
  ...(text('test/support/mutation-setup.ts').match(/const SLOW = \[([^\]]*)\]/)?.[1] ?? '').matchAll(/'([^']+)'/g),
].map((m) => m[1]);
const onDisk = existsSync(join(root, 'test'))
  ? readdirSync(join(root, 'test'))
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => `test/${f}`)
      .sort()
  : [];
const ranTests = onDisk.filter((f) => !excluded.includes(f));
const leftOut = onDisk.filter((f) => excluded.includes(f));

// Each run: its chunk, what it mutated, when, and how long it took (from its log, beside it).
const runs = reports.map(({ file, report: r }) => {
  const log = file.replace(/\.json$/, '.log');
  let took = '';
  if (existsSync(log)) {
    const text = readFileSync(log, 'utf8');
    const done = [...text.matchAll(/Done in (.+?)\.?$/gm)].pop();
    const dry = [...text.matchAll(/Initial test run succeeded\. Ran (\d+) tests in (.+?) \(/g)].pop();
    if (done) took = `${done[1]}` + (dry ? ` (initial test run: ${dry[1]} tests in ${dry[2]})` : '');
  }
  const when = statSync(file)
    .mtime.toISOString()
    .replace(/\.\d+Z$/, 'Z');
  // Test files changed or added since the run: their new assertions are not in its score yet.
  // The report holds the tests that reached its mutants, with their text; any other test file
  // counts when it was written after the report.
  const ran = r.testFiles ?? {};
  const written = statSync(file).mtimeMs;
  const testsChanged = onDisk.filter(
    (t) =>
      !excluded.includes(t) &&
      (ran[t] !== undefined ? ran[t].source !== text(t) : statSync(join(root, t)).mtimeMs > written),
  );
  // A static mutant (only module loading reaches it) runs with the tests Stryker gave it, or with all.
  const ranWith = r.config?.vitest?.configFile;
  const statics =
    r.config?.ignoreStatic !== false
      ? 'the tests that loaded them'
      : ranWith === undefined || ranWith === 'vitest.mutation.config.ts'
        ? 'every test'
        : `every test of \`${ranWith}\` (a lower bound: the rest of the suite does not run for this chunk)`;
  return { name: basename(file, '.json'), mutate: r.config?.mutate ?? [], when, took, testsChanged, statics };
});
let whole = [];
try {
  whole = (await import(pathToFileURL(join(root, 'stryker.config.mjs')).href)).default.mutate ?? [];
} catch {
  // No config to read: the folders are not listed.
}

const out = [];
out.push('# Mutation testing');
out.push('');
out.push(
  `Generated by \`scripts/mutation-summary.mjs\` from ${runs.length} Stryker report${runs.length > 1 ? 's' : ''} in \`${relative(root, dirname(present[0]))}/\`, each checked to have mutated the sources as they are now.`,
);
out.push('');
out.push(
  '- Command: `npm run mutation` (`scripts/mutation.sh`: one `npx stryker run --mutate <globs>` per chunk, a chunk whose sources are unchanged since its report is not run again, then this summary)',
);
out.push(
  `- Stryker: ${framework?.name ?? 'StrykerJS'} ${framework?.version ?? ''}, runner \`${config.testRunner}\` with \`${config.vitest?.configFile ?? 'vitest.config'}\`, coverage analysis \`${config.coverageAnalysis}\`, concurrency ${config.concurrency}`,
);
if (whole.length) out.push(`- Folders: ${whole.map((p) => `\`${p}\``).join(', ')} (\`stryker.config.mjs\`)`);
out.push(`- Test files now: ${ranTests.map((f) => `\`${f}\``).join(', ')}`);
if (leftOut.length)
  out.push(`- Test files left out (\`${vitestConfig}\`): ${leftOut.map((f) => `\`${f}\``).join(', ')}`);
if (skipped.length)
  out.push(`- Tests skipped (\`test/support/mutation-setup.ts\`): ${skipped.map((s) => `"${s}…"`).join(', ')}`);
out.push('');
out.push(
  'Per chunk: what it mutated, when, how long it took, and the test files added or changed since (a rerun, `npm run mutation -- --fresh --only <chunk>`, counts their assertions too).',
);
out.push('');
out.push('| chunk | mutated | static mutants ran with | report written | time | tests changed since |');
out.push('| --- | --- | --- | --- | --- | --- |');
for (const r of runs)
  out.push(
    `| ${r.name} | ${r.mutate.map((p) => `\`${p}\``).join(', ')} | ${r.statics} | ${r.when} | ${r.took || '–'} | ${r.testsChanged.length ? r.testsChanged.map((t) => `\`${t}\``).join(', ') : 'none'} |`,
  );
for (const f of missing) out.push(`| ${basename(f, '.json')} | not run yet | – | – | – | – |`);
out.push('');
out.push(
  'Score = (killed + timeout) / total, where total = killed + survived + no coverage + timeout; ignored mutants, compile/runtime errors and survivors judged equivalent (listed below with the reason, from `scripts/mutation-equivalent.json`) are not counted.',
);
out.push('');
out.push('## Per folder');
out.push('');
out.push('| folder | killed | survived | equivalent | no coverage | timeout | ignored | errors | total | score % |');
out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
// A folder with files no report covers is partial: its score is not the folder's. A file a report's
// globs cover but that has no entry in it had nothing Stryker mutates (types only, say).
const globRe = (glob) =>
  new RegExp(
    `^${glob
      .split('**/')
      .map((part) =>
        part
          .split('*')
          .map((t) => t.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]*'),
      )
      .join('(?:.*/)?')}$`,
  );
const coveredBy = (mutate, file) =>
  mutate.some((g) => !g.startsWith('!') && globRe(g).test(file)) &&
  !mutate.some((g) => g.startsWith('!') && globRe(g.slice(1)).test(file));
const withoutMutants = (file) => reports.some(({ report: r }) => coveredBy(r.config?.mutate ?? [], file));
const sourcesUnder = (folder) =>
  existsSync(join(root, folder))
    ? readdirSync(join(root, folder))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `${folder}/${f}`)
    : [];
const folders = [...new Set([...whole.map((g) => g.replace(/\/\*\*.*$/, '')), ...byFolder.keys()])].sort();
for (const folder of folders) {
  const notRun = sourcesUnder(folder).filter((f) => !(f in report.files) && !withoutMutants(f));
  const t = byFolder.get(folder) ?? blank();
  const label = notRun.length
    ? `\`${folder}\` (partial: ${notRun.length} file${notRun.length > 1 ? 's' : ''} not run)`
    : `\`${folder}\``;
  out.push(row(label, t));
}
out.push(row('**all run**', all));
out.push('');
const timeouts = files.flatMap(([, f]) => f.mutants).filter((m) => m.status === 'Timeout');
const byHits = timeouts.filter((m) => /hit limit/i.test(m.statusReason ?? '')).length;
if (timeouts.length)
  out.push(
    `Timeouts: ${byHits} stopped by Stryker's hit limit (a loop that would not end), ${timeouts.length - byHits} by the clock.`,
    '',
  );
out.push('## Per file');
out.push('');
out.push('| file | killed | survived | equivalent | no coverage | timeout | ignored | errors | total | score % |');
out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [folder, ft] of byFolder) {
  for (const [name, t] of byFile) if (posix.dirname(name) === folder) out.push(row(`\`${name}\``, t));
  out.push(row(`**${folder}**`, ft));
}
out.push('');

const listing = (title, intro, entries, withReason = false) => {
  out.push(`## ${title} (${entries.length})`);
  out.push('');
  out.push(intro);
  out.push('');
  if (entries.length === 0) return;
  out.push(`| where | mutator | original | replacement |${withReason ? ' why equivalent |' : ''}`);
  out.push(`| --- | --- | --- | --- |${withReason ? ' --- |' : ''}`);
  for (const { name, m, from, reason } of entries) {
    out.push(
      `| \`${name}:${m.location.start.line}:${m.location.start.column}\` | ${m.mutatorName} | ${cell(from)} | ${cell(m.replacement ?? '')} |${withReason ? ` ${reason.replace(/\|/g, '\\|')} |` : ''}`,
    );
  }
  out.push('');
};
listing(
  'Surviving mutants',
  'Every test that reached the mutant passed. Each is either equivalent (no test could tell it from the original) or a hole in the tests.',
  survivors,
);
listing(
  'Surviving mutants judged equivalent',
  'Every test passed, and no input could tell the mutant from the original (the reason says where that holds only in practice). Not counted in the score.',
  equivalent,
  true,
);
if (staleJudgements.length) {
  out.push(`## Stale judgements (${staleJudgements.length})`);
  out.push('');
  out.push(
    'Judgements in `scripts/mutation-equivalent.json` that match no surviving mutant of these reports: the source moved or a test now kills the mutant. Judge again or remove.',
  );
  out.push('');
  for (const j of staleJudgements) out.push(`- \`${j.where}\` ${j.mutator} → \`${j.replacement}\``);
  out.push('');
}
listing('Mutants no test reached', 'No test ran this code.', uncovered);

writeFileSync(outFile, out.join('\n'));
console.log(
  `mutation summary: ${relative(root, outFile)}: ${all.Killed + all.Timeout}/${total(all)} detected, score ${score(all)} %, ${all.Survived} survived, ${all.Equivalent} judged equivalent, ${all.NoCoverage} without coverage` +
    (staleJudgements.length ? `, ${staleJudgements.length} stale judgements` : ''),
);
