import { EXIT } from '../errors.js';

/**
 * SIGINT and SIGTERM, for the whole process. bin/iovsim.js starts watching as soon as the CLI
 * is loaded (until then its own handler does the same): until a command takes the signals
 * over, one ends the process at once with exit 130 (SIGINT) or 143 (SIGTERM), as it would have
 * without a handler but with a proper exit code. `run` takes them over while it runs, to stop
 * its rows and keep its CSV.
 */
type Listener = (signal: NodeJS.Signals) => void;

let listener: Listener | undefined;
let watching = false;

export const exitCodeOf = (s: NodeJS.Signals): number =>
  s === 'SIGTERM' ? EXIT.terminated.code : EXIT.interrupted.code;

function onSignal(s: NodeJS.Signals): void {
  if (listener) listener(s);
  else process.exit(exitCodeOf(s));
}

/** Handles SIGINT and SIGTERM for the rest of the process's life (bin/iovsim.js calls it first). */
export function watchSignals(): void {
  if (watching) return;
  watching = true;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * Sends SIGINT and SIGTERM to `l` until the returned function is called. Without
 * watchSignals (the CLI run in-process, as tests do) it listens only meanwhile.
 */
export function takeSignals(l: Listener): () => void {
  listener = l;
  const own = !watching;
  if (own) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return () => {
    listener = undefined;
    if (own) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  };
}
