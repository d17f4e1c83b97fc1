#!/usr/bin/env node
// The CLI is compiled into dist/ by the prepare and prepack scripts (npm ci in a clone; the
// package ships it); this shim only loads it: the bundle (dist/bundle, quicker to start) when
// it was built after tsc last compiled (dist/.tsbuildinfo; the package ships no such file), else
// tsc's output (after a tsc-only rebuild, say).
// Signals are watched first, so that one arriving while the rest loads still ends with exit
// 130 or 143.
import { statSync } from 'node:fs';

const mtime = (f) => statSync(new URL(f, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
const bundled = mtime('../dist/bundle/main.js');
const dir = bundled !== undefined && bundled >= (mtime('../dist/.tsbuildinfo') ?? 0) ? 'bundle' : 'cli';
const { watchSignals } = await import(`../dist/${dir}/signals.js`);
watchSignals();
const { main } = await import(`../dist/${dir}/main.js`);
process.exitCode = await main(process.argv.slice(2));
