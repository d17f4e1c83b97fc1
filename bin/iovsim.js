#!/usr/bin/env node
// The CLI is compiled into dist/ by the prepare and prepack scripts (npm ci in a clone; the
// package ships it); this shim only loads it.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
