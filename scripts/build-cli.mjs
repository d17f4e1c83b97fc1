// Bundles the command line (dist/cli/main.js, the signal watcher and the worker-thread entry, as
// tsc compiled them) into dist/bundle/, with the packages they import. Node spends most of a
// short command's start-up resolving, reading and compiling modules one file at a time: yargs,
// zod and yaml alone are some 200 files. Bundled and minified, `iovsim validate` of the
// quickstart took 215 ms against 346 ms (README, Performance). Chunks are split at the CLI's
// dynamic imports, so a command still loads only what it needs (no charts for `validate`).
// Then the same CLI as one CommonJS file, dist/bundle/cli.cjs, named on its first line by a
// hash of its code, and V8's code cache of it, made by running a few commands: compiled from
// the cache, `iovsim validate` of the quickstart took 150 ms against 205 ms for the ES module
// bundle. bin/load-cli.mjs says which of them bin/iovsim.js runs, and when (Stryker's sandbox
// leaves the bundles out: see stryker.config.mjs). Run by `npm run build`, after tsc.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;
rmSync(outdir, { recursive: true, force: true });

// yargs 18 takes string-width 8, and its cliui and wrap-ansi take string-width 7: the same
// function, each copy building Unicode tables when it loads (an Intl.Segmenter, emoji regular
// expressions), some 10 ms of every start. One copy serves the three, and it loads on its
// first call (scripts/lazy-string-width.mjs): only help and usage text measure strings, and
// loading it took 30-38 ms of `iovsim run`'s main thread. (cli-progress keeps its own
// string-width 4, a CommonJS module called differently.)
// In the platform's own separators, as esbuild names an importer.
const lazyStringWidth = join(root, 'scripts', 'lazy-string-width.mjs');
const oneStringWidth = {
  name: 'one-string-width',
  setup(b) {
    const path = `${root}node_modules/string-width/index.js`;
    b.onResolve({ filter: /^string-width$/ }, (a) => {
      if (a.importer === lazyStringWidth) return { path };
      return /[\\/]node_modules[\\/](yargs|cliui|wrap-ansi)[\\/]/.test(a.importer)
        ? { path: lazyStringWidth }
        : undefined;
    });
  },
};

// What both bundles share.
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  plugins: [oneStringWidth],
  logLevel: process.argv.includes('--quiet') ? 'warning' : 'info',
};

await build({
  ...common,
  // Same names as in dist/cli and dist/experiment: pool.ts finds ./worker.js beside itself.
  entryPoints: ['dist/cli/main.js', 'dist/cli/signals.js', 'dist/experiment/worker.js'],
  entryNames: '[name]',
  outdir,
  splitting: true,
  format: 'esm',
  // Packages written as CommonJS (cli-progress, jstat) call require(), which ES modules lack.
  banner: {
    js: "import{createRequire as __iovsimRequire}from'node:module';const require=__iovsimRequire(import.meta.url);",
  },
});

// Kept in memory (write: false): the file is written once, with its build line first.
const cjs = `${outdir}/cli.cjs`;
const { outputFiles } = await build({
  ...common,
  stdin: {
    contents: "export { main } from './dist/cli/main.js'; export { watchSignals } from './dist/cli/signals.js';",
    resolveDir: root,
    sourcefile: 'cli-entry.js',
  },
  outfile: cjs,
  write: false,
  format: 'cjs',
  // CommonJS has no import.meta: the file's own URL stands in. It sits in dist/bundle like the
  // ES module chunks, so the paths the code resolves from it (package.json, scenarios) hold.
  define: { 'import.meta.url': '__iovsimUrl' },
  banner: { js: "var __iovsimUrl=require('node:url').pathToFileURL(__filename).href;" },
  // vega-canvas's Node build awaits at top level (an optional import of node-canvas, which
  // iovsim does not install), which CommonJS cannot; without node-canvas the browser build does the same.
  alias: { 'vega-canvas': './node_modules/vega-canvas/build/vega-canvas.browser.js' },
  // A vm.Script cannot import(): a dynamic import of a built-in (node:http) becomes a require.
  supported: { 'dynamic-import': false },
});
const code = outputFiles[0].text;
if (code.includes('import(')) throw new Error(`${cjs} calls import(), which a vm.Script cannot run`);
const buildId = createHash('sha256').update(code).digest('hex').slice(0, 16);
const source = `//iovsim-build ${buildId}\n${code}`;
writeFileSync(cjs, source);

// The cache holds what V8 compiled while these ran: start-up, the parser, help, and a scenario's
// loading and checks. Functions compiled later (a simulation's) are compiled as usual.
const { cacheFileOf, loadBundle } = await import('../bin/load-cli.mjs');
const { exports, script } = loadBundle(source, undefined);
const quiet = { out() {}, err() {}, isTty: false };
for (const args of [['--help'], ['run', '--help'], ['validate', `${root}scenarios/quickstart.yaml`]]) {
  const exit = await exports.main(args, quiet);
  if (exit !== 0) throw new Error(`iovsim ${args.join(' ')} exited ${exit} while the code cache was made`);
}
writeFileSync(cacheFileOf(buildId), script.createCachedData());
