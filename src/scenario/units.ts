/**
 * Quantities with units, as scenario files write them: "200 ms", "10 Gbit/s", "1.2 Mpps",
 * "2.9 GHz". A bare number is refused: the unit is part of what the user meant.
 */

const NUMBER = String.raw`([0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)`;

function parse(text: string, units: Record<string, number>): number | undefined {
  const m = new RegExp(`^\\s*${NUMBER}\\s*([A-Za-zµ/]+)\\s*$`).exec(text);
  if (!m) return undefined;
  const scale = units[m[2]];
  return scale === undefined ? undefined : Number(m[1]) * scale;
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9 };
const BIT_RATE_UNITS: Record<string, number> = { 'bit/s': 1, 'kbit/s': 1e3, 'Mbit/s': 1e6, 'Gbit/s': 1e9, 'Tbit/s': 1e12 };
const PACKET_RATE_UNITS: Record<string, number> = { pps: 1, kpps: 1e3, Mpps: 1e6 };
const FREQUENCY_UNITS: Record<string, number> = { MHz: 1e-3, GHz: 1 };

/** Nanoseconds from "200 ms"; undefined if it is not a duration. */
export const parseDurationNs = (t: string): number | undefined => parse(t, DURATION_UNITS);

/** GHz from "2.9 GHz" or "2900 MHz". */
export const parseFrequencyGhz = (t: string): number | undefined => parse(t, FREQUENCY_UNITS);

export type Rate = { bitsPerSec: number } | { packetsPerSec: number };

/** A bit rate ("2 Gbit/s") or a packet rate ("1.2 Mpps"). */
export function parseRate(t: string): Rate | undefined {
  const bits = parse(t, BIT_RATE_UNITS);
  if (bits !== undefined) return { bitsPerSec: bits };
  const pkts = parse(t, PACKET_RATE_UNITS);
  return pkts === undefined ? undefined : { packetsPerSec: pkts };
}

export const DURATION_EXPECTED = `a duration with a unit, such as "200 ms" (units: ${Object.keys(DURATION_UNITS).join(', ')})`;
export const FREQUENCY_EXPECTED = 'a clock frequency with a unit, such as "2.9 GHz" or "2900 MHz"';
export const BIT_RATE_EXPECTED = `a bit rate with a unit, such as "10 Gbit/s" (units: ${Object.keys(BIT_RATE_UNITS).join(', ')})`;
export const RATE_EXPECTED = `a rate with a unit, such as "2 Gbit/s" or "100 kpps" (units: ${[
  ...Object.keys(BIT_RATE_UNITS),
  ...Object.keys(PACKET_RATE_UNITS),
].join(', ')})`;
