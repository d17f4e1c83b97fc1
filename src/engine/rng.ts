import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/**
 * One independent random stream. Each source of randomness (a VM's arrivals, a VM's frame
 * sizes, ...) gets its own stream, seeded from the run seed and the stream's name, so adding
 * or reordering other sources never shifts the numbers this one draws.
 */
export class RngStream {
  private readonly gen: RandomGenerator;

  constructor(seed: number, name: string) {
    this.gen = xoroshiro128plusFromState(seedState(seed, name));
  }

  /** A uniform double in [0, 1). */
  uniform(): number {
    return uniformFloat64(this.gen);
  }

  /** An exponential variate with the given mean. */
  exponential(mean: number): number {
    // 1 - u is in (0, 1], so the log is finite.
    return -mean * Math.log(1 - this.uniform());
  }
}

/**
 * Four 32-bit words of generator state from (seed, name), by the cyrb128 string hash.
 * xoroshiro's state must not be all zero; cyrb128 of any input practically never is, and a
 * fixed non-zero word guards the remaining case.
 */
function seedState(seed: number, name: string): number[] {
  const key = `${seed}\u0000${name}`;
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < key.length; i++) {
    const k = key.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  const state: number[] = [(h1 ^ h2 ^ h3 ^ h4) | 0, (h2 ^ h1) | 0, (h3 ^ h1) | 0, (h4 ^ h1) | 0];
  if (state.every((w): boolean => w === 0)) state[0] = 0x9e3779b9 | 0;
  return state;
}

/**
 * A seed derived from a base seed and labels (a sweep point, a replication number), so
 * replications are independent of each other and reproducible one by one.
 */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  return (seedState(seed, labels.join('/'))[0] >>> 1) & 0x7fffffff;
}
