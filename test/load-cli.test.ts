import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of bin/, with no type declarations.
import { buildOf, bundleFile, cacheFileOf, loadBundle, loadCli } from '../bin/load-cli.mjs';

// How bin/iovsim.js loads the CLI (bin/load-cli.mjs). npm test builds first (npm run build):
// dist/bundle/cli.cjs, named by its build, and this V8's cache of it.
type Io = { out: (t: string) => void; err: (t: string) => void; isTty: boolean };
interface Cli {
  main: (args: string[], io?: Io) => Promise<number>;
  watchSignals: () => void;
}
const load = loadCli as (args: string[]) => Promise<{ cli: Cli; route: string }>;
const bin = fileURLToPath(new URL('../bin/iovsim.js', import.meta.url));
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;
const dir = mkdtempSync(join(tmpdir(), 'iovsim-load-'));

describe('loading the CLI', () => {
  it('compiles the bundle from the cache the build wrote for this V8, and runs commands from it', async () => {
    const source = readFileSync(bundleFile as string, 'utf8');
    const build = buildOf(source) as string;
    expect(build).toMatch(/^[0-9a-f]{16}$/);
    expect(cacheFileOf(build) as string).toContain(process.versions.v8);
    expect(existsSync(cacheFileOf(build) as string)).toBe(true);
    // Rejected (a cache of other code, or of another V8), V8 compiles the bundle anew: still
    // correct, but the start-up the cache is for is lost. The route says which happened.
    const { cli, route } = await load(['validate', 'x.yaml']);
    expect(route).toBe('code cache');
    let out = '';
    expect(await cli.main(['--version'], { out: (t) => void (out += t), err: () => {}, isTty: false })).toBe(0);
    expect(out.trim()).toBe(version);
    // A lone --version goes to the ES module entry, which answers before any parser loads.
    expect((await load(['--version'])).route).toBe('bundle');
  });

  it('compiles the bundle anew when the cache is not its own: V8 rejects it rather than run it', () => {
    const source = readFileSync(bundleFile as string, 'utf8');
    const { exports, script } = loadBundle(source, Buffer.from('not a V8 code cache')) as {
      exports: Cli;
      script: { cachedDataRejected?: boolean };
    };
    expect(script.cachedDataRejected).toBe(true);
    expect(typeof exports.main).toBe('function');
  });

  it('serves the studio through bin/iovsim.js (its node:http loads lazily, which a vm.Script cannot import())', async () => {
    const child = spawn(process.execPath, [bin, 'studio', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => void (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    const served = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      child.stdout.on('data', () => {
        if (/open http:\/\/127\.0\.0\.1:\d+\//.test(out)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.on('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    child.kill('SIGINT');
    expect(served, err).toBe(true);
    const url = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)![1];
    expect(url).toMatch(/^http/);
  });

  it('runs a command without rendering help: string-width and its Unicode tables load only for help', () => {
    // A probe loaded first says each time an Intl.Segmenter is made (string-width makes one
    // when it loads); help shows that the probe works.
    const probe = join(dir, 'probe.mjs');
    writeFileSync(
      probe,
      "const S = Intl.Segmenter;\nIntl.Segmenter = class extends S { constructor(...a) { process.stderr.write('segmenter made\\n'); super(...a); } };\n",
    );
    const scenario = join(dir, 'small.yaml');
    writeFileSync(scenario, 'name: small\nduration: 1 ms\nwarmup: 0.2 ms\npaths: [sriov]\n');
    const cmd = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', probe, bin, ...args], { encoding: 'utf8', timeout: 60_000 });
    const help = cmd('run', '--help');
    expect(help.status).toBe(0);
    expect(help.stderr).toContain('segmenter made');
    for (const args of [
      ['validate', scenario],
      ['run', scenario, '--no-write', '--quiet'],
    ]) {
      const r = cmd(...args);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('segmenter made');
    }
  });

  // A terminal makes `run` draw its progress bar (cli-progress, with its own string-width).
  const hasScript = existsSync('/usr/bin/script');
  it.skipIf(!hasScript)('draws the progress bar of run in a terminal (util-linux script gives it one)', () => {
    const f = join(dir, 'tty.yaml');
    writeFileSync(f, 'name: tty\nduration: 20 ms\npaths: [sriov, paravirtual]\n');
    const r = spawnSync(
      'script',
      ['-qec', `"${process.execPath}" "${bin}" run "${f}" --out "${join(dir, 'out')}" --jobs 1`, '/dev/null'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.stdout).not.toMatch(/internal error/);
    expect(r.stdout).toMatch(/tty \[.*\] [0-2]\/2 rows \| \d+%/);
    // The time left: unknown ('--') until a row is done, then a time, never cli-progress's
    // 'INF' cut to two characters or a 0 s guessed before anything was measured.
    const etas = [...r.stdout.matchAll(/(\d)\/2 rows \| \d+% \| ETA (\S+)/g)].map((m) => [
      m[1],
      m[2].split(String.fromCharCode(27))[0],
    ]);
    expect(etas.length).toBeGreaterThan(0);
    for (const [done, eta] of etas) expect(eta).toMatch(done === '0' ? /^--$/ : /^\d+[hms]/);
    expect(r.status, r.stdout).toBe(0);
    expect(existsSync(join(dir, 'out', 'tty.csv'))).toBe(true);
  });
});
