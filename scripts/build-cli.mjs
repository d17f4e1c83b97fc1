// Bundles the command line (dist/cli/main.js, the signal watcher and the worker-thread entry, as
// tsc compiled them) into dist/bundle/, with the packages they import. Node spends most of a
// short command's start-up resolving, reading and compiling modules one file at a time: yargs,
// zod and yaml alone are some 200 files. Bundled and minified, `iovsim validate` of the
// quickstart took 215 ms against 346 ms (README, Performance). Chunks are split at the CLI's
// dynamic imports, so a command still loads only what it needs (no charts for `validate`).
// Then the same CLI as one CommonJS file, dist/bundle/cli.cjs, and V8's code cache of it, made
// by running a few commands: compiled from the cache, `iovsim validate` of the quickstart took
// 150 ms against 205 ms for the ES module bundle (see bin/code-cache.mjs).
// bin/iovsim.js runs cli.cjs when this V8 made its cache, else the ES module bundle when it was
// built after tsc's last compile, else dist/cli/ (after a tsc-only rebuild; Stryker's sandbox
// leaves the bundles out: see stryker.config.mjs). Run by `npm run build`, after tsc.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;
rmSync(outdir, { recursive: true, force: true });

// yargs 18 takes string-width 8 and its cliui string-width 7: the same function, each building
// Unicode tables when it loads (an Intl.Segmenter, emoji regular expressions), some 10 ms of
// every start. One copy serves both.
const oneStringWidth = { 'string-width': './node_modules/string-width/index.js' };

await build({
  absWorkingDir: root,
  alias: oneStringWidth,
  // Same names as in dist/cli and dist/experiment: pool.ts finds ./worker.js beside itself.
  entryPoints: ['dist/cli/main.js', 'dist/cli/signals.js', 'dist/experiment/worker.js'],
  entryNames: '[name]',
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  // Packages written as CommonJS (cli-progress, jstat) call require(), which ES modules lack.
  banner: {
    js: "import{createRequire as __iovsimRequire}from'node:module';const require=__iovsimRequire(import.meta.url);",
  },
  logLevel: process.argv.includes('--quiet') ? 'warning' : 'info',
});

await build({
  absWorkingDir: root,
  stdin: {
    contents: "export { main } from './dist/cli/main.js'; export { watchSignals } from './dist/cli/signals.js';",
    resolveDir: root,
    sourcefile: 'cli-entry.js',
  },
  outfile: `${outdir}/cli.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  // CommonJS has no import.meta: the file's own URL stands in. It sits in dist/bundle like the
  // ES module chunks, so the paths the code resolves from it (package.json, scenarios) hold.
  define: { 'import.meta.url': '__iovsimUrl' },
  banner: { js: "var __iovsimUrl=require('node:url').pathToFileURL(__filename).href;" },
  // vega-canvas's Node build awaits at top level (an optional import of node-canvas, which
  // iovsim does not install), which CommonJS cannot; without node-canvas the browser build does the same.
  alias: { ...oneStringWidth, 'vega-canvas': './node_modules/vega-canvas/build/vega-canvas.browser.js' },
  logLevel: process.argv.includes('--quiet') ? 'warning' : 'info',
});

// The cache holds what V8 compiled while these ran: start-up, the parser, help, and a scenario's
// loading and checks. Functions compiled later (a simulation's) are compiled as usual.
const { cacheFile, loadBundle } = await import('../bin/code-cache.mjs');
const { exports, script } = loadBundle(undefined);
const quiet = { out() {}, err() {}, isTty: false };
for (const args of [['--help'], ['run', '--help'], ['validate', `${root}scenarios/quickstart.yaml`]]) {
  const code = await exports.main(args, quiet);
  if (code !== 0) throw new Error(`iovsim ${args.join(' ')} exited ${code} while the code cache was made`);
}
writeFileSync(cacheFile, script.createCachedData());
