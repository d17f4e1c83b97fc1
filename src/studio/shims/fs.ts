/**
 * node:fs in the studio's browser bundle (scripts/build-studio.mjs points the import here).
 * The page hands scenario text to the scenario layer itself and never reads a file, so
 * every function the scenario layer imports exists only to say so if that ever changes.
 */
const unavailable = (name: string) => (): never => {
  throw new Error(`node:fs ${name} is not available in the browser`);
};

export const openSync = unavailable('openSync');
export const closeSync = unavailable('closeSync');
export const fstatSync = unavailable('fstatSync');
export const readSync = unavailable('readSync');
export const readFileSync = unavailable('readFileSync');
export const statSync = unavailable('statSync');
export const existsSync = (): boolean => false;
export const constants = { O_RDONLY: 0, O_NONBLOCK: 0 };
