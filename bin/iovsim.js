#!/usr/bin/env node
// The CLI is compiled into dist/ by the prepare and prepack scripts (npm ci in a clone; the
// package ships it); this shim only loads it (bin/load-cli.mjs: from V8's code cache when it can).
// Until the CLI's own signal watcher is installed, SIGINT or SIGTERM ends the process with the
// exit code the CLI gives them (130, 143: EXIT in src/errors.ts), as it would unhandled.
const early = (s) => process.exit(s === 'SIGTERM' ? 143 : 130);
process.on('SIGINT', early).on('SIGTERM', early);
const args = process.argv.slice(2);
const { cli } = await (await import('./load-cli.mjs')).loadCli(args);
cli.watchSignals();
process.off('SIGINT', early).off('SIGTERM', early);
process.exitCode = await cli.main(args);
