/**
 * node:path in the studio's browser bundle (scripts/build-studio.mjs points the import here):
 * the POSIX functions the scenario layer calls on file names, for names like "studio.yaml".
 */
const parts = (p: string): string[] => p.split('/').filter((s) => s !== '' && s !== '.');

export function basename(p: string): string {
  const all = parts(p);
  return all.length > 0 ? all[all.length - 1] : '';
}

export function extname(p: string): string {
  const base = basename(p);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot) : '';
}

export function dirname(p: string): string {
  const all = parts(p);
  const head = p.startsWith('/') ? '/' : '';
  return all.length > 1 ? head + all.slice(0, -1).join('/') : head || '.';
}

/** Joins and normalizes ("a/b/../c" is "a/c"); absolute when the last absolute part is. */
export function resolve(...paths: string[]): string {
  let from = 0;
  paths.forEach((p, i) => {
    if (p.startsWith('/')) from = i;
  });
  const out: string[] = [];
  for (const s of paths.slice(from).flatMap(parts)) {
    if (s === '..') out.pop();
    else out.push(s);
  }
  return (paths[from]?.startsWith('/') ? '/' : '') + out.join('/');
}

export const join = (...paths: string[]): string =>
  resolve(...paths.map((p, i) => (i === 0 ? p : p.replace(/^\/+/, ''))));
