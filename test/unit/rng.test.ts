import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { ratio, Rng } from '../../sim/kernel/rng.ts';

const draws = (rng: Rng, n = 20) => Array.from({ length: n }, () => rng.int(0, 1_000_000));

describe('Rng', () => {
  it('gives the same stream for the same seed and label', () => {
    expect(draws(new Rng(7).fork('link/a->b'))).toEqual(draws(new Rng(7).fork('link/a->b')));
  });

  it("draws seedrandom's alea seeded with 'seed/label', however long after the fork the first draw comes", () => {
    const alea = seedrandom.alea('7/link/a->b');
    const expected = Array.from({ length: 20 }, () => Math.floor(alea() * 0x1_0000_0000));
    const stream = new Rng(7).fork('link');
    new Rng(7).fork('other').uint32();
    const late = stream.fork('a->b');
    expect(Array.from({ length: 20 }, () => late.uint32())).toEqual(expected);
  });

  it('gives different streams for different seeds and for different labels', () => {
    expect(draws(new Rng(7).fork('x'))).not.toEqual(draws(new Rng(8).fork('x')));
    expect(draws(new Rng(7).fork('x'))).not.toEqual(draws(new Rng(7).fork('y')));
  });

  it('does not shift a stream when another stream is forked or drawn from', () => {
    const root = new Rng(3);
    const a = root.fork('a');
    const alone = draws(new Rng(3).fork('a'));
    draws(root.fork('b'), 100);
    draws(root, 100);
    expect(draws(a)).toEqual(alone);
  });

  it('keeps int() within its bounds and reaches both ends', () => {
    const rng = new Rng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = rng.int(3, 6);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(6);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it('treats ratios exactly at 0 and 1, and roughly in between', () => {
    const rng = new Rng(11);
    const hits = (r: ReturnType<typeof ratio>) => Array.from({ length: 10_000 }, () => rng.chance(r)).filter(Boolean).length;
    expect(hits(ratio(0, 5))).toBe(0);
    expect(hits(ratio(5, 5))).toBe(10_000);
    expect(hits(ratio(1, 4))).toBeGreaterThan(2300);
    expect(hits(ratio(1, 4))).toBeLessThan(2700);
  });

  it('refuses ratios that are not probabilities', () => {
    expect(() => ratio(3, 2)).toThrow(RangeError);
    expect(() => ratio(1, 0)).toThrow(RangeError);
    expect(() => ratio(0.5, 1)).toThrow(RangeError);
  });

  it('shuffles into a permutation and picks members', () => {
    const rng = new Rng(5);
    const items = [1, 2, 3, 4, 5, 6];
    expect(rng.shuffled(items).sort()).toEqual(items);
    expect(items).toContain(rng.pick(items));
  });
});
