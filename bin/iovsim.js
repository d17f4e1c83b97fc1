#!/usr/bin/env node
// The CLI is compiled into dist/ by the prepare and prepack scripts (npm ci in a clone; the
// package ships it); this shim only loads it: the bundle (dist/bundle, quicker to start) when
// it was built, else tsc's output. Signals are watched first, so that one arriving while the
// rest loads still ends with exit 130 or 143.
import { existsSync } from 'node:fs';

const dir = existsSync(new URL('../dist/bundle/main.js', import.meta.url)) ? 'bundle' : 'cli';
const { watchSignals } = await import(`../dist/${dir}/signals.js`);
watchSignals();
const { main } = await import(`../dist/${dir}/main.js`);
process.exitCode = await main(process.argv.slice(2));
