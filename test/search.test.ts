// The bisection both searches use (src/experiment/search.ts), on criteria whose answer and
// probe sequence are worked out by hand.
import { describe, expect, it } from 'vitest';
import { largestPassing } from '../src/experiment/search.js';

/** Runs a search on `ok`, returning its outcome and the points probed in order. */
async function search(lo: number, hi: number, resolution: number, integer: boolean, ok: (x: number) => boolean) {
  const probed: number[] = [];
  const out = await largestPassing(lo, hi, resolution, integer, (x) => {
    probed.push(x);
    return Promise.resolve({ ok: ok(x), value: `probe ${x}` });
  });
  return { out, probed };
}

describe('largestPassing', () => {
  it('bisects a real interval until the passing and failing ends are within the resolution', async () => {
    const { out, probed } = await search(0, 100, 1, false, (x) => x <= 37.3);
    // 100 fails, 0 passes, then halves: 50 f, 25 p, 37.5 f, 31.25 p, 34.375 p, 35.9375 p (gap
    // 1.5625), 36.71875 p: now 37.5 - 36.71875 = 0.78 <= 1.
    expect(probed).toEqual([100, 0, 50, 25, 37.5, 31.25, 34.375, 35.9375, 36.71875]);
    expect(out).toEqual({
      best: 36.71875,
      bestProbe: 'probe 36.71875',
      firstFail: 37.5,
      failProbe: 'probe 37.5',
      probes: 9,
    });
  });

  it('stops as soon as the gap is at most the resolution, not below it', async () => {
    // 0 p, 8 f: gap 8; 4 p: gap 4 = resolution: stop.
    const { out, probed } = await search(0, 8, 4, false, (x) => x < 5);
    expect(probed).toEqual([8, 0, 4]);
    expect(out.best).toBe(4);
    expect(out.firstFail).toBe(8);
  });

  it('probes whole numbers only when asked, and ends with adjacent integers', async () => {
    const { out, probed } = await search(1, 100, 1, true, (x) => x <= 37);
    // floor((1 + 100) / 2) = 50 f, floor(51 / 2) = 25 p, 37 p, 43 f, 40 f, 38 f: 38 - 37 = 1.
    expect(probed).toEqual([100, 1, 50, 25, 37, 43, 40, 38]);
    expect(out).toMatchObject({ best: 37, firstFail: 38, probes: 8, bestProbe: 'probe 37', failProbe: 'probe 38' });
  });

  it('the top passing ends the search at once; the bottom failing ends it with no answer', async () => {
    const top = await search(3, 9, 0.1, false, () => true);
    expect(top.probed).toEqual([9]);
    expect(top.out).toEqual({ best: 9, bestProbe: 'probe 9', probes: 1 });
    const bottom = await search(3, 9, 0.1, false, () => false);
    expect(bottom.probed).toEqual([9, 3]);
    expect(bottom.out).toEqual({ firstFail: 3, failProbe: 'probe 3', probes: 2 });
  });

  it('stops when the midpoint no longer differs from an end, whatever the resolution', async () => {
    // Integers 4 and 5: the midpoint floors to 4, an end: stop without probing it again.
    const ints = await search(4, 5, 0, true, (x) => x < 5);
    expect(ints.probed).toEqual([5, 4]);
    expect(ints.out).toMatchObject({ best: 4, firstFail: 5, probes: 2 });
    // Adjacent doubles: the midpoint rounds to one of them.
    const next = 1 + Number.EPSILON;
    const reals = await search(1, next, 0, false, (x) => x < next);
    expect(reals.probed).toEqual([next, 1]);
    expect(reals.out).toMatchObject({ best: 1, firstFail: next, probes: 2 });
  });
});
