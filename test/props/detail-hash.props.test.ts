import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDescribable, hashDetailText, hashMessageDetail } from '../../sim/kernel/detail-hash.ts';
import { describeMessage, type Message } from '../../sim/kernel/messages.ts';

/** Field values a model may send: any JSON, strings needing escapes and lone surrogates, and what JSON leaves out or rewrites. */
const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(undefined, Number.NaN, -0, Number.POSITIVE_INFINITY, () => 1, Symbol('s')),
  fc.date({ noInvalidDate: true }),
  fc.constant(Object.assign(Object.create(null) as object, { a: 1 })),
  fc.array(fc.constantFrom(undefined, () => 1, null, 'x')),
  fc.jsonValue().map((v) => ({ nested: [v, { toJSON: () => 'replaced' }] })),
  fc.string().map((s) => new String(s)),
);

const message: fc.Arbitrary<Message> = fc
  .record({ type: fc.string({ unit: 'binary' }), fields: fc.dictionary(fc.string({ unit: 'binary' }), value, { maxKeys: 5 }) })
  .map(({ type, fields }) => ({ ...fields, type }) as Message);

describe('a message detail hashed from its parts', () => {
  it('equals the hash of its description written out, whatever the message holds', () => {
    fc.assert(
      fc.property(message, fc.constantFrom('', ' on c1'), (m, suffix) => {
        const parts = hashMessageDetail(m, suffix);
        const text = hashDetailText(describeMessage(m) + suffix);
        expect([parts.a, parts.b]).toEqual([text.a, text.b]);
        expect(parts.text()).toBe(describeMessage(m) + suffix);
      }),
      { numRuns: 2000 },
    );
  });

  it('fails the way describing it fails (a BigInt, a cycle)', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const bad of [{ type: 'x', n: 1n }, { type: 'x', cycle }]) {
      expect(() => describeMessage(bad as unknown as Message)).toThrow(TypeError);
      expect(() => hashMessageDetail(bad as unknown as Message)).toThrow(TypeError);
    }
  });
});

/** Fields JSON cannot write, each its own way. */
function unwritable(): unknown[] {
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  const throwingFunction = Object.assign(() => 1, {
    toJSON: () => {
      throw new Error('no');
    },
  });
  return [1n, cycle, { deep: [{ toJSON: () => 2n }] }, throwingFunction];
}

/** Whether `f` throws. */
function throws(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch {
    return true;
  }
}

describe('a message checked in a run that keeps no trace', () => {
  it('throws exactly where describing it throws', () => {
    const fields = fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(value, fc.constantFrom(...unwritable())), { maxKeys: 4 });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom(7, undefined)), fields, (type, f) => {
        const m = { ...f, type } as unknown as Message;
        expect(throws(() => checkDescribable(m))).toBe(throws(() => describeMessage(m)));
      }),
      { numRuns: 2000 },
    );
  });
});
