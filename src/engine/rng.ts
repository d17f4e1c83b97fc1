/**
 * One independent random stream. Each source of randomness (a VM's arrivals, a VM's frame
 * sizes, ...) gets its own stream, seeded from the run seed and the stream's name, so adding
 * or reordering other sources never shifts the numbers this one draws.
 *
 * The generator is pure-rand's xoroshiro128+ and its uniformFloat64, written out here on an
 * Int32Array of state so that a draw allocates nothing (the library's generator returns
 * 32-bit words that V8 boxes when they leave a function); test/engine.test.ts checks that
 * the numbers are the library's.
 */
export class RngStream {
  /** The state words, in pure-rand's order: s01, s00, s11, s10. */
  private readonly s = new Int32Array(4);

  constructor(seed: number, name: string) {
    this.s.set(seedState(seed, name));
  }

  /** A uniform double in [0, 1): 53 random bits from two 32-bit outputs. */
  uniform(): number {
    const st = this.s;
    let s01 = st[0];
    let s00 = st[1];
    let s11 = st[2];
    let s10 = st[3];
    const v1 = (s00 + s10) & 67108863;
    let a0 = s10 ^ s00;
    let a1 = s11 ^ s01;
    let n00 = (s00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
    let n01 = (s01 << 24) ^ (s00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
    s10 = (a1 << 5) ^ (a0 >>> 27);
    s11 = (a0 << 5) ^ (a1 >>> 27);
    s00 = n00;
    s01 = n01;
    const v2 = (s00 + s10) & 134217727;
    a0 = s10 ^ s00;
    a1 = s11 ^ s01;
    n00 = (s00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
    n01 = (s01 << 24) ^ (s00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
    st[3] = (a1 << 5) ^ (a0 >>> 27);
    st[2] = (a0 << 5) ^ (a1 >>> 27);
    st[1] = n00;
    st[0] = n01;
    return v1 * 1.4901161193847656e-8 + v2 * 1.1102230246251565e-16;
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
