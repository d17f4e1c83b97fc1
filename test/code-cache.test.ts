import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of bin/, with no type declarations.
import { bundleFile, cacheFile, loadBundle, readCache } from '../bin/code-cache.mjs';

// npm test builds first (npm run build): dist/bundle/cli.cjs and this V8's cache of it.
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

interface Loaded {
  exports: {
    main: (
      args: string[],
      io: { out: (t: string) => void; err: (t: string) => void; isTty: boolean },
    ) => Promise<number>;
    watchSignals: () => void;
  };
  script: { cachedDataRejected?: boolean };
}

describe('the CLI compiled from V8 code cache', () => {
  it('has a cache for this V8 that V8 accepts, and the bundle it loads runs commands', async () => {
    expect(cacheFile as string).toContain(process.versions.v8);
    const cache = readCache() as Buffer | undefined;
    expect(cache).toBeInstanceOf(Buffer);
    const { exports, script } = loadBundle(cache) as Loaded;
    // Rejected (a cache of other source, or of another V8), V8 would compile it all again: still
    // correct, but the start-up the cache is for would be lost.
    expect(script.cachedDataRejected).toBe(false);
    expect(typeof exports.watchSignals).toBe('function');
    let out = '';
    const code = await exports.main(['--version'], { out: (t) => void (out += t), err: () => {}, isTty: false });
    expect(code).toBe(0);
    expect(out.trim()).toBe(version);
  });

  it('compiles the bundle anew when a cache is not its own (V8 rejects it rather than run it)', () => {
    const { exports, script } = loadBundle(Buffer.from('not a V8 code cache')) as Loaded;
    expect(script.cachedDataRejected).toBe(true);
    expect(typeof exports.main).toBe('function');
    expect(bundleFile as string).toMatch(/dist[/\\]bundle[/\\]cli\.cjs$/);
  });

  it("runs through bin/iovsim.js, finding the package's files from dist/bundle", () => {
    const bin = new URL('../bin/iovsim.js', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [bin, 'paths'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/sriov/);
  });
});
