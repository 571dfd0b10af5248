/**
 * Seeded random streams.
 *
 * One root seed; each subsystem (a link, a node's model, the injector) draws
 * from its own stream forked by a stable label. A stream's seed is a function
 * of the root seed and its label alone, so adding a consumer of randomness
 * never shifts the draws of the others: a new link does not change the
 * latencies of the old ones.
 *
 * The generator is seedrandom's alea: small, fast, and specified as pure
 * double arithmetic, so it gives the same sequence on every platform.
 */
import seedrandom from 'seedrandom';

/**
 * A probability as an integer ratio, `numerator / denominator`. Integer
 * ratios print exactly and compare exactly, unlike float knobs (TigerBeetle's
 * `ratio(2, 10_000)`).
 */
export interface Ratio {
  readonly numerator: number;
  readonly denominator: number;
}

/**
 * The largest denominator a ratio may have. Keeps exact integer comparisons
 * against a 32-bit roll below 2^53 (see the network's loss check).
 */
export const MAX_RATIO_DENOMINATOR = 1_000_000;

/** Builds a {@link Ratio}, checking that it lies in [0, 1]. */
export function ratio(numerator: number, denominator: number): Ratio {
  if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || denominator <= 0 || denominator > MAX_RATIO_DENOMINATOR) {
    throw new RangeError(`ratio(${numerator}, ${denominator}): both must be integers, 0 < denominator <= ${MAX_RATIO_DENOMINATOR}`);
  }
  if (numerator < 0 || numerator > denominator) {
    throw new RangeError(`ratio(${numerator}, ${denominator}) is not a probability`);
  }
  return { numerator, denominator };
}

/** Formats a ratio as `2/10000`. */
export function formatRatio(r: Ratio): string {
  return `${r.numerator}/${r.denominator}`;
}

/** A seeded random stream with integer helpers. */
export class Rng {
  /**
   * The generator, made at the first draw: seeding alea hashes the seed
   * text three times, and many streams of a run are never drawn from (a
   * node whose model uses no randomness, a link nothing crosses). A stream's
   * draws depend on its seed text alone, so when it is made changes nothing.
   */
  private generator: (() => number) | undefined;

  /**
   * @param seed the root seed of the run
   * @param label the stream's stable name; the empty label is the root stream
   */
  constructor(
    readonly seed: number,
    readonly label = '',
  ) {}

  private next(): number {
    return (this.generator ??= seedrandom.alea(`${this.seed}/${this.label}`))();
  }

  /** A new stream, independent of this one, named `label` under it. */
  fork(label: string): Rng {
    return new Rng(this.seed, this.label === '' ? label : `${this.label}/${label}`);
  }

  /** A uniform integer in `[min, max]`, both ends included. */
  int(min: number, max: number): number {
    if (max < min) throw new RangeError(`int(${min}, ${max}): empty range`);
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `r`. Draws exactly once, whatever the ratio. */
  chance(r: Ratio): boolean {
    return this.int(0, r.denominator - 1) < r.numerator;
  }

  /** A uniform element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  /** A uniform 32-bit unsigned integer, for deriving seeds. */
  uint32(): number {
    return Math.floor(this.next() * 0x1_0000_0000);
  }

  /** A shuffled copy of `items` (Fisher–Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }
}
