// Bundles the studio (src/studio) for the browser into dist/studio: index.html and
// studio.js, which carries the simulation worker as text (a worker made from a blob URL runs
// from http:// and from a file opened directly). The scenario layer imports node:fs and
// node:path for reading files, which the page never does: those imports go to small shims.
// csv-parse (imported by the report's table module) goes to its own browser build, which
// brings the Buffer its Node build expects. Run by `npm run build`.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/studio`;
const SHIMS = {
  'node:fs': `${root}src/studio/shims/fs.ts`,
  'node:path': `${root}src/studio/shims/path.ts`,
  'node:crypto': `${root}src/studio/shims/crypto.ts`,
};

const BROWSER_BUILDS = {
  'csv-parse/sync': `${root}node_modules/csv-parse/dist/esm/sync.js`,
};

const nodeShims = {
  name: 'node-shims',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) =>
      SHIMS[args.path]
        ? { path: SHIMS[args.path] }
        : { errors: [{ text: `${args.path} has no browser shim (imported by ${args.importer})` }] },
    );
    b.onResolve({ filter: /^csv-parse\/sync$/ }, (args) => ({ path: BROWSER_BUILDS[args.path] }));
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [nodeShims],
};

const worker = await build({ ...common, entryPoints: ['src/studio/worker.ts'], write: false });
const workerSource = worker.outputFiles[0].text;
const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

mkdirSync(out, { recursive: true });
await build({
  ...common,
  entryPoints: ['src/studio/main.ts'],
  outfile: `${out}/studio.js`,
  define: {
    __WORKER_SOURCE__: JSON.stringify(workerSource),
    __IOVSIM_VERSION__: JSON.stringify(version),
  },
});
copyFileSync(`${root}src/studio/index.html`, `${out}/index.html`);

const kb = (n) => `${(n / 1024).toFixed(0)} kB`;
if (!process.argv.includes('--quiet'))
  console.log(
    `studio: dist/studio/studio.js ${kb(statSync(`${out}/studio.js`).size)} (worker ${kb(workerSource.length)} inside)`,
  );
