/**
 * Quantities with units, as scenario files write them: "200 ms", "10 Gbit/s", "1.2 Mpps",
 * "2.9 GHz". A bare number is refused: the unit is part of what the user meant. Each kind is
 * declared once here (its units, its pattern for editors, its bounds); the schema, the docs
 * and the error messages take them from here.
 */

/** An unsigned decimal with an optional exponent: 200, 2.5, 1e5. */
const NUMBER = String.raw`[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?`;

export interface QuantityKind {
  /** What the error message calls it, e.g. "a duration". */
  noun: string;
  /** Unit name to the factor that turns it into the base unit. */
  units: Record<string, number>;
  /** The base unit the model works in. */
  base: string;
  example: string;
  /** The largest value accepted, in the base unit: beyond it a run would be absurd or never end. */
  max: number;
  maxText: string;
}

export const DURATION: QuantityKind = {
  noun: 'a duration',
  units: { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9 },
  base: 'ns',
  example: '"200 ms"',
  max: 3600e9,
  maxText: '3600 s',
};

export const BIT_RATE: QuantityKind = {
  noun: 'a bit rate',
  units: { 'bit/s': 1, 'kbit/s': 1e3, 'Mbit/s': 1e6, 'Gbit/s': 1e9, 'Tbit/s': 1e12 },
  base: 'bit/s',
  example: '"10 Gbit/s"',
  max: 10e12,
  maxText: '10 Tbit/s',
};

export const PACKET_RATE: QuantityKind = {
  noun: 'a packet rate',
  units: { pps: 1, kpps: 1e3, Mpps: 1e6 },
  base: 'pps',
  example: '"100 kpps"',
  max: 20e9,
  maxText: '20000 Mpps',
};

export const BYTES: QuantityKind = {
  noun: 'a size',
  units: { B: 1, KB: 1e3, KiB: 1024, MB: 1e6, MiB: 1024 * 1024 },
  base: 'B',
  example: '"256 KiB"',
  max: 1024 * 1024 * 1024,
  maxText: '1024 MiB',
};

export const TRANSACTION_RATE: QuantityKind = {
  noun: 'a request rate',
  units: { 'req/s': 1, 'kreq/s': 1e3, 'Mreq/s': 1e6 },
  base: 'req/s',
  example: '"20 kreq/s"',
  max: 1e9,
  maxText: '1000 Mreq/s',
};

export const FREQUENCY: QuantityKind = {
  noun: 'a clock frequency',
  units: { MHz: 1e-3, GHz: 1 },
  base: 'GHz',
  example: '"2.9 GHz"',
  max: 100,
  maxText: '100 GHz',
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The pattern a quantity of these kinds matches (for the schema, and for editors through the JSON Schema). */
export function quantityPattern(...kinds: QuantityKind[]): RegExp {
  const units = kinds.flatMap((k) => Object.keys(k.units)).map(escape);
  return new RegExp(`^\\s*(${NUMBER})\\s*(${units.join('|')})\\s*$`);
}

/** The value of `text` in the kind's base unit; undefined when it is not a quantity of that kind. */
export function parseQuantity(text: string, kind: QuantityKind): number | undefined {
  const m = quantityPattern(kind).exec(text);
  if (!m) return undefined;
  return Number(m[1]) * kind.units[m[2]];
}

/** The unit `text` is written in, when it is a quantity of that kind. */
export function unitOf(text: string, kind: QuantityKind): string | undefined {
  return quantityPattern(kind).exec(text)?.[2];
}

/** Nanoseconds from "200 ms"; undefined if it is not a duration. */
export const parseDurationNs = (t: string): number | undefined => parseQuantity(t, DURATION);

/** GHz from "2.9 GHz" or "2900 MHz". */
export const parseFrequencyGhz = (t: string): number | undefined => parseQuantity(t, FREQUENCY);

/**
 * A rate as the model takes it: bits of frames per second, or packets per second. `unit`
 * keeps the unit it was written in, for showing a value of the same field (a capacity).
 */
export type Rate = ({ bitsPerSec: number } | { packetsPerSec: number }) & { unit?: string };

/** A bit rate ("2 Gbit/s") or a packet rate ("1.2 Mpps"). */
export function parseRate(t: string): Rate | undefined {
  const bits = parseQuantity(t, BIT_RATE);
  if (bits !== undefined) return { bitsPerSec: bits, unit: unitOf(t, BIT_RATE) };
  const pkts = parseQuantity(t, PACKET_RATE);
  return pkts === undefined ? undefined : { packetsPerSec: pkts, unit: unitOf(t, PACKET_RATE) };
}

/** A duration in ns as text in the largest unit it fills: 100000 -> "100 us". */
export function formatDuration(ns: number): string {
  const [unit, scale] = ns >= 1e9 ? ['s', 1e9] : ns >= 1e6 ? ['ms', 1e6] : ns >= 1e3 ? ['us', 1e3] : ['ns', 1];
  return `${Number((ns / (scale as number)).toPrecision(6))} ${unit}`;
}

/** A rate's value in its own base unit (bit/s or pps), and that unit. */
export function rateValue(r: Rate): { value: number; unit: 'bit/s' | 'pps' } {
  return 'bitsPerSec' in r ? { value: r.bitsPerSec, unit: 'bit/s' } : { value: r.packetsPerSec, unit: 'pps' };
}

/** The text of `requestsPerSec` requests/s in `unit` ("20 kreq/s"), 6 significant digits. */
export function formatRequestRate(requestsPerSec: number, unit: string): string {
  return `${Number((requestsPerSec / (TRANSACTION_RATE.units[unit] ?? 1)).toPrecision(6))} ${unit}`;
}

/** The text of a rate in its own unit (else bit/s or pps), 6 significant digits: "2.6 Gbit/s". */
export function formatRate(r: Rate): string {
  const { value, unit: base } = rateValue(r);
  const unit = r.unit ?? base;
  const scale = BIT_RATE.units[unit] ?? PACKET_RATE.units[unit] ?? 1;
  return `${Number((value / scale).toPrecision(6))} ${unit}`;
}

/** The phrase an error message uses for what a quantity field expects. */
export function expectedText(kinds: QuantityKind[], qualifier = ''): string {
  const nouns = kinds.map((k) => k.noun.replace(/^an? /, '')).join(' or ');
  const article = qualifier ? `a ${qualifier} ` : /^[aeiou]/.test(nouns) ? 'an ' : 'a ';
  const examples = kinds.map((k) => k.example).join(' or ');
  const units = kinds.flatMap((k) => Object.keys(k.units)).join(', ');
  return `${article}${nouns} with a unit, such as ${examples} (units: ${units})`;
}

export const DURATION_EXPECTED = expectedText([DURATION]);
export const FREQUENCY_EXPECTED = 'a clock frequency with a unit, such as "2.9 GHz" or "2900 MHz"';
export const BIT_RATE_EXPECTED = expectedText([BIT_RATE]);
export const RATE_EXPECTED = `a rate with a unit, such as "2 Gbit/s" or "100 kpps" (units: ${[...Object.keys(BIT_RATE.units), ...Object.keys(PACKET_RATE.units)].join(', ')})`;

/** The quantity kinds as docs/scenarios.md shows them: units, base unit and bound. */
export function quantityTable(): string {
  const rows: [QuantityKind, string][] = [
    [
      DURATION,
      '`duration`, `warmup`, `on_off.on`/`off`, `search.slo.p99_latency`, `validation.stations[].service_mean`',
    ],
    [BIT_RATE, '`nic.line_rate`, and any rate'],
    [PACKET_RATE, 'any rate (`load`, `load_per_vm`, `per_vm[].rate`, `search.from`/`to`), `validation.arrival_rate`'],
    [FREQUENCY, '`host.clock`'],
    [BYTES, '`traffic.window`, `host.gro_max`, `nic.lro_max`, `request_response.request_bytes`/`response_bytes`'],
    [TRANSACTION_RATE, '`request_response.rate_per_vm`'],
  ];
  const lines = ['| kind | units | the model works in | at most | used by |', '|---|---|---|---|---|'];
  for (const [k, used] of rows)
    lines.push(
      `| ${k.noun.replace(/^an? /, '')} | ${Object.keys(k.units)
        .map((u) => `\`${u}\``)
        .join(', ')} | ${k.base} | ${k.maxText} | ${used} |`,
    );
  return lines.join('\n') + '\n';
}
