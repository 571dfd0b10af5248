/**
 * A message's fields copied into a new event, as `{ ...message }` would,
 * without object spread.
 *
 * The kernel turns every message into an event with fields of its own added
 * (`from`, `requestId`, `connection`). Written as `{ ...message, from }`,
 * that costs 4-6 µs per event on Node 20: V8 gives a spread's copy a map of
 * its own outside the transition tree, so each property added after it makes
 * a new map, every time. Copying field by field into a literal takes
 * 0.1-0.2 µs (both measured with the shape of a response, 100,000 copies,
 * in one process). In a campaign that was 5 % of a canary run.
 *
 * The copy is the spread's: own enumerable properties, string keys in
 * their own order and then symbols, read once each (a getter is called) and
 * written as plain data, an own `__proto__` field included.
 */
export function copyFields(source: object): Record<PropertyKey, unknown> {
  const from = source as Record<PropertyKey, unknown>;
  const copy: Record<PropertyKey, unknown> = {};
  const keys = Object.keys(source);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    // Assigning '__proto__' would set the copy's prototype; the spread makes it a field.
    if (key === '__proto__') defineField(copy, key, from[key]);
    else copy[key] = from[key];
  }
  const symbols = Object.getOwnPropertySymbols(source);
  for (let i = 0; i < symbols.length; i++) {
    const symbol = symbols[i]!;
    if (Object.prototype.propertyIsEnumerable.call(source, symbol)) copy[symbol] = from[symbol];
  }
  return copy;
}

function defineField(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
