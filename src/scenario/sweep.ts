import { InputError } from '../errors.js';
import { describe } from './load.js';

export type SweepValue = number | string | boolean;
export type SweepSpec = Record<string, SweepValue[] | { from: SweepValue; to: SweepValue; step: SweepValue }>;
/** One point of a sweep: a value for each swept field path. */
export type Assignment = Record<string, SweepValue>;

const QUANTITY = /^\s*(-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*(.*?)\s*$/;

/** The values of a range {from, to, step}: numbers, or quantities that share one unit ("1 Gbit/s"). */
export function rangeValues(key: string, r: { from: SweepValue; to: SweepValue; step: SweepValue }): SweepValue[] {
  const split = (v: SweepValue, field: string): [number, string] => {
    const m = typeof v === 'number' ? [String(v), String(v), ''] : typeof v === 'string' ? QUANTITY.exec(v) : null;
    if (!m) throw new InputError(`sweep.${key}.${field}`, 'a number or a quantity such as "1 Gbit/s"', describe(v));
    return [Number(m[1]), m[2]];
  };
  const [from, unit] = split(r.from, 'from');
  const [to, toUnit] = split(r.to, 'to');
  const [step, stepUnit] = split(r.step, 'step');
  if (toUnit !== unit || stepUnit !== unit) {
    throw new InputError(`sweep.${key}`, `from, to and step in one unit ("${unit}")`, describe([r.from, r.to, r.step]));
  }
  if (!(step > 0)) throw new InputError(`sweep.${key}.step`, 'a positive step', describe(r.step));
  if (to < from) throw new InputError(`sweep.${key}.to`, `a value at least from (${describe(r.from)})`, describe(r.to));
  const n = Math.floor((to - from) / step + 1e-9) + 1;
  if (n > 100_000) throw new InputError(`sweep.${key}`, 'at most 100000 values', String(n));
  // Rounded so that 0.1-steps do not print as 0.30000000000000004.
  const at = (i: number) => Number((from + i * step).toPrecision(12));
  return Array.from({ length: n }, (_, i) =>
    unit === '' && typeof r.from === 'number' ? at(i) : `${at(i)} ${unit}`.trim(),
  );
}

/**
 * A point's identity as text: its swept fields and values, keys sorted, as JSON. A point's
 * seeds derive from it, so they depend on what the point is, never on where it sits in the
 * sweep: inserting a value leaves every other point's numbers as they were.
 */
export function canonicalAssignment(a: Assignment): string {
  return JSON.stringify(
    Object.keys(a)
      .sort()
      .map((k) => [k, a[k]]),
  );
}

/** The most points a sweep may have: each is validated and held in memory before any runs. */
export const MAX_SWEEP_POINTS = 100_000;

/**
 * The points of a sweep, in order: every combination (cartesian, the last key varying
 * fastest) or the values paired position by position (zip, all lists of one length).
 */
export function expandSweep(spec: SweepSpec | undefined, mode: 'cartesian' | 'zip'): Assignment[] {
  if (!spec || Object.keys(spec).length === 0) return [{}];
  const keys = Object.keys(spec);
  const lists = keys.map((k) => {
    const v = spec[k];
    return Array.isArray(v) ? v : rangeValues(k, v);
  });
  const total = mode === 'zip' ? lists[0].length : lists.reduce((n, l) => n * l.length, 1);
  if (total > MAX_SWEEP_POINTS) {
    throw new InputError(
      'sweep',
      `at most ${MAX_SWEEP_POINTS} sweep points (each runs every path)`,
      `${total} points (${lists.map((l) => l.length).join(' x ')})`,
    );
  }
  if (mode === 'zip') {
    const n = lists[0].length;
    lists.forEach((l, i) => {
      if (l.length !== n)
        throw new InputError(
          `sweep.${keys[i]}`,
          `${n} values, as many as sweep.${keys[0]} (sweep_mode: zip)`,
          `${l.length} values`,
        );
    });
    return Array.from({ length: n }, (_, i) => Object.fromEntries(keys.map((k, j) => [k, lists[j][i]])));
  }
  let points: Assignment[] = [{}];
  keys.forEach((k, j) => {
    points = points.flatMap((p) => lists[j].map((v) => ({ ...p, [k]: v })));
  });
  return points;
}
