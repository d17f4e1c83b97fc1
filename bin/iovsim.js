#!/usr/bin/env node
// The CLI is compiled into dist/ by the prepare and prepack scripts (npm ci in a clone; the
// package ships it); this shim only loads it, the quickest way it can:
// - dist/bundle/cli.cjs through V8's code cache (bin/code-cache.mjs), when the build wrote a
//   cache for this V8;
// - else the ES module bundle (dist/bundle, quicker to start than one file per module);
// - else tsc's output (dist/cli), when tsc compiled after the bundles were built
//   (dist/.tsbuildinfo; the package ships no such file): after a tsc-only rebuild, say.
import { statSync } from 'node:fs';

// Until the CLI's own watcher is installed, a signal ends the process with the exit code it
// gives (130 or 143), as it would unhandled.
const early = (s) => process.exit(s === 'SIGTERM' ? 143 : 130);
process.on('SIGINT', early).on('SIGTERM', early);

const mtime = (f) => statSync(new URL(f, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
const compiled = mtime('../dist/.tsbuildinfo') ?? 0;
const fresh = (f) => (mtime(f) ?? -1) >= compiled;
const args = process.argv.slice(2);
// A lone --version needs no parser: the ES module bundle's small entry answers it before
// the whole CommonJS bundle would have loaded.
const versionOnly = args.length === 1 && args[0] === '--version';
const codeCache = !versionOnly && fresh('../dist/bundle/cli.cjs') ? await import('./code-cache.mjs') : undefined;
const cache = codeCache?.readCache();
let cli;
if (cache !== undefined) cli = codeCache.loadBundle(cache).exports;
else {
  const dir = fresh('../dist/bundle/main.js') ? 'bundle' : 'cli';
  cli = { ...(await import(`../dist/${dir}/signals.js`)), ...(await import(`../dist/${dir}/main.js`)) };
}
cli.watchSignals();
process.off('SIGINT', early).off('SIGTERM', early);
process.exitCode = await cli.main(args);
