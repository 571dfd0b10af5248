/**
 * Lookups of names a user gives (a variant, a fault kind, a field) in a
 * record a scenario declared. `record[name]` would also find what every
 * object has: `variants['constructor']` is `Object`, `fields['toString']` a
 * function, `'__proto__' in defaults` is true. Only own properties count.
 */

/** `record[key]` when `key` is one of the record's own properties, else `undefined`. */
export function own<V>(record: Readonly<Record<string, V>> | undefined, key: string): V | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Whether `key` is one of the record's own properties. */
export function hasOwn(record: object | undefined, key: string): boolean {
  return record !== undefined && Object.hasOwn(record, key);
}
