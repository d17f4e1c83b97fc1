// The command line as one CommonJS file (dist/bundle/cli.cjs) compiled from V8's code cache.
// Most of a short command's start-up is V8 parsing and compiling the CLI and its packages
// (yargs, zod, yaml); Node 20 keeps no compile cache for ES modules, but a vm.Script takes the
// cache V8 wrote for the same source. scripts/build-cli.mjs writes the bundle and, from a run
// of a few commands, its cache; bin/iovsim.js uses them when the cache was made by this V8.
import { readFileSync, statSync } from 'node:fs';
import Module from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const bundleFile = fileURLToPath(new URL('../dist/bundle/cli.cjs', import.meta.url));

/** The cache file for this V8 and architecture: V8 refuses a cache another version or build wrote. */
export const cacheFile = `${bundleFile}.v8-${process.versions.v8}-${process.arch}.cache`;

/**
 * Compiles and runs dist/bundle/cli.cjs, with `cachedData` when given, and returns its exports
 * ({ main, watchSignals }) and the Script (to write a cache from, once commands have run).
 */
export function loadBundle(cachedData) {
  const script = new vm.Script(Module.wrap(readFileSync(bundleFile, 'utf8')), {
    filename: bundleFile,
    cachedData,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(bundleFile), module, bundleFile, dirname(bundleFile));
  return { exports: module.exports, script };
}

/** This V8's cache of the bundle, when it was written after the bundle; undefined otherwise. */
export function readCache() {
  const cache = statSync(cacheFile, { throwIfNoEntry: false });
  const bundle = statSync(bundleFile, { throwIfNoEntry: false });
  if (cache === undefined || bundle === undefined || cache.mtimeMs < bundle.mtimeMs) return undefined;
  return readFileSync(cacheFile);
}
