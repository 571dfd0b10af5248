/**
 * Texts made of two parts, made once: coverage keys (`machine:state`,
 * `machine:from->to`) and state records (`from -> to`) are the same few
 * strings over and over, and a string made once is hashed once (a Set reads
 * its hash again at no cost; the trace takes a state record's detail hash
 * as computed the first time). The parts are mostly a machine's state
 * names, a finite set, so the caches stay small; parts a model names freely
 * (message types) get a cap. They are pure functions of their arguments,
 * so what ran before in the same thread changes nothing.
 */
import { hashDetailText, type DetailHash } from './detail-hash.ts';

class Pairs<T> {
  private readonly byLeft = new Map<string, Map<string, T>>();
  private size = 0;

  /** @param maxPairs pairs kept at most; past it a value is made afresh each time (parts a model makes up without end) */
  constructor(
    private readonly make: (left: string, right: string) => T,
    private readonly maxPairs = Number.POSITIVE_INFINITY,
  ) {}

  of(left: string, right: string): T {
    let byRight = this.byLeft.get(left);
    if (byRight === undefined) {
      if (this.size >= this.maxPairs) return this.make(left, right);
      byRight = new Map();
      this.byLeft.set(left, byRight);
    }
    let value = byRight.get(right);
    if (value === undefined) {
      value = this.make(left, right);
      if (this.size >= this.maxPairs) return value;
      byRight.set(right, value);
      this.size++;
    }
    return value;
  }
}

/** `left + separator + right`, made once per pair. */
export class JoinedText {
  private readonly pairs: Pairs<string>;

  /** @param maxPairs pairs kept at most (see {@link Pairs}); unbounded for parts from a finite set */
  constructor(separator: string, maxPairs?: number) {
    this.pairs = new Pairs((left, right) => left + separator + right, maxPairs);
  }

  of(left: string, right: string): string {
    return this.pairs.of(left, right);
  }
}

/** A text and its detail hash, computed once. */
class HashedText implements DetailHash {
  readonly a: number;
  readonly b: number;

  constructor(private readonly value: string) {
    const { a, b } = hashDetailText(value);
    this.a = a;
    this.b = b;
  }

  text(): string {
    return this.value;
  }
}

/** `left + separator + right` as a trace detail, its hash computed once per pair. */
export class JoinedDetail {
  private readonly pairs: Pairs<HashedText>;

  constructor(separator: string) {
    this.pairs = new Pairs((left, right) => new HashedText(left + separator + right));
  }

  of(left: string, right: string): DetailHash {
    return this.pairs.of(left, right);
  }
}
