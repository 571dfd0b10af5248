import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyFields } from '../../sim/kernel/copy-fields.ts';

/** Own property descriptors, keys in order: what a spread's copy is made of. */
const fieldsOf = (o: object) => Reflect.ownKeys(o).map((key) => [key, Object.getOwnPropertyDescriptor(o, key)]);

const tag = Symbol('tag');

/** Messages as models write them, and as hostile ones might: integer-like keys, `__proto__`, symbols, getters, a null prototype. */
const message: fc.Arbitrary<object> = fc
  .record({
    fields: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', '0', '10', 'from', 'requestId', 'constructor')), fc.jsonValue(), { maxKeys: 6 }),
    symbol: fc.boolean(),
    hiddenSymbol: fc.boolean(),
    getter: fc.boolean(),
    nullPrototype: fc.boolean(),
  })
  .map(({ fields, symbol, hiddenSymbol, getter, nullPrototype }) => {
    const m: Record<PropertyKey, unknown> = nullPrototype ? Object.create(null) : {};
    for (const [key, value] of Object.entries(fields)) Object.defineProperty(m, key, { value, enumerable: true, writable: true, configurable: true });
    if (symbol) m[tag] = 'symbol field';
    if (hiddenSymbol) Object.defineProperty(m, Symbol('hidden'), { value: 1, enumerable: false });
    if (getter) Object.defineProperty(m, 'computed', { get: () => 42, enumerable: true, configurable: true });
    Object.defineProperty(m, 'invisible', { value: 'not enumerable', enumerable: false });
    return m;
  });

describe('copyFields', () => {
  it('copies exactly what an object spread copies, in the same order', () => {
    fc.assert(
      fc.property(message, (m) => {
        const copy = copyFields(m);
        expect(fieldsOf(copy)).toEqual(fieldsOf({ ...m }));
        expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
      }),
    );
  });

  it('keeps a field added after the copy where the spread would put it', () => {
    const m = { type: 'ping', from: 'spoofed', n: 1 };
    const copy = copyFields(m);
    copy.from = 'a';
    copy.connection = 'c1';
    expect(fieldsOf(copy)).toEqual(fieldsOf({ ...m, from: 'a', connection: 'c1' }));
  });

  it('throws what a throwing getter throws, as the spread does', () => {
    const m = Object.defineProperty({ type: 'x' }, 'bad', { get: () => { throw new Error('boom'); }, enumerable: true });
    expect(() => copyFields(m)).toThrow('boom');
  });
});
