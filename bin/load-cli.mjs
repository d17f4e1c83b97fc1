// How bin/iovsim.js loads the command line, the quickest way this install allows:
// - 'code cache': dist/bundle/cli.cjs (the CLI as one CommonJS file) compiled from the V8 code
//   cache the build wrote for it. Most of a short command's start-up is V8 parsing and
//   compiling the CLI and its packages (yargs, zod, yaml); Node 20 keeps no compile cache for ES
//   modules, but a vm.Script takes the cache V8 wrote for the same source.
// - 'bundle': the ES module bundle (dist/bundle/main.js), when there is no cache for this V8
//   (another Node than the build's) or for a lone --version, which its small entry answers
//   before any parser loads.
// - 'tsc': tsc's output (dist/cli), when tsc compiled after the bundles were built
//   (dist/.tsbuildinfo; the package ships no such file): after a tsc-only rebuild, say.
// scripts/build-cli.mjs writes the bundles and the cache.
import { readFileSync, statSync } from 'node:fs';
import Module from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const dist = new URL('../dist/', import.meta.url);

export const bundleFile = fileURLToPath(new URL('bundle/cli.cjs', dist));

/** The first line of cli.cjs names its build (a hash of its code): its cache is found by that, not by file times. */
const BUILD_LINE = /^\/\/iovsim-build ([0-9a-f]+)\n/;

/** The build cli.cjs's `source` names; undefined when it names none. */
export const buildOf = (source) => BUILD_LINE.exec(source)?.[1];

/** The cache of build `build` for this V8 and architecture: V8 refuses a cache another version wrote. */
export const cacheFileOf = (build) => `${bundleFile}.${build}.v8-${process.versions.v8}-${process.arch}.cache`;

/**
 * Compiles cli.cjs's `source`, from `cachedData` when given, runs it, and returns its exports
 * ({ main, watchSignals }) and the Script (to write a cache from, once commands have run).
 */
export function loadBundle(source, cachedData) {
  // Module.wrap gives the source the CommonJS function wrapper require() would.
  const script = new vm.Script(Module.wrap(source), { filename: bundleFile, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(bundleFile), module, bundleFile, dirname(bundleFile));
  return { exports: module.exports, script };
}

const readable = (file) => {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
};

/**
 * The CLI for these arguments: its exports ({ main, watchSignals }) and the route taken ('code
 * cache', 'bundle' or 'tsc'; 'compiled' when V8 refused the cache and compiled the bundle anew).
 */
export async function loadCli(args) {
  const mtime = (f) => statSync(new URL(f, dist), { throwIfNoEntry: false })?.mtimeMs;
  const compiled = mtime('.tsbuildinfo') ?? 0;
  const fresh = (f) => (mtime(f) ?? -1) >= compiled;
  const versionOnly = args.length === 1 && args[0] === '--version';
  if (!versionOnly && fresh('bundle/cli.cjs')) {
    const source = readFileSync(bundleFile, 'utf8');
    const build = buildOf(source);
    const cache = build === undefined ? undefined : readable(cacheFileOf(build));
    if (cache !== undefined) {
      const { exports, script } = loadBundle(source, cache);
      return { cli: exports, route: script.cachedDataRejected ? 'compiled' : 'code cache' };
    }
  }
  const dir = fresh('bundle/main.js') ? 'bundle' : 'cli';
  const cli = { ...(await import(`../dist/${dir}/signals.js`)), ...(await import(`../dist/${dir}/main.js`)) };
  return { cli, route: dir === 'bundle' ? 'bundle' : 'tsc' };
}
