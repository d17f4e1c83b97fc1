// Bundles the command line (dist/cli/main.js, the signal watcher and the worker-thread entry, as
// tsc compiled them) into dist/bundle/, with the packages they import. Node spends most of a
// short command's start-up resolving, reading and compiling modules one file at a time: yargs,
// zod and yaml alone are some 200 files. Bundled and minified, `iovsim validate` of the
// quickstart took 215 ms against 346 ms (README, Performance). Chunks are split at the CLI's
// dynamic imports, so a command still loads only what it needs (no charts for `validate`).
// bin/iovsim.js runs the bundle when it was built after tsc's last compile and dist/cli/
// otherwise (after a tsc-only rebuild; Stryker's sandbox leaves the bundle out: see
// stryker.config.mjs). Run by `npm run build`, after tsc.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;
rmSync(outdir, { recursive: true, force: true });

await build({
  absWorkingDir: root,
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
