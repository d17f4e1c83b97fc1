#!/usr/bin/env node
// The CLI is compiled into dist/ by the prepare and prepack scripts (npm ci in a clone; the
// package ships it); this shim only loads it. Signals are watched first, so that one arriving
// while the rest loads still ends with exit 130 or 143.
import { watchSignals } from '../dist/cli/signals.js';

watchSignals();
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
