/**
 * How the guard replaces one function, getter or class. A replacement
 * behaves exactly like the original outside a run (same arguments, `this`,
 * result, name, length and own properties), and is refused inside one,
 * unless `allow` says that this particular call is harmless (a `Date` with
 * an explicit time, a Diffie-Hellman group given its prime).
 */
import { refuse, runtime } from './guard-runtime.ts';

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
type AnyClass = new (...args: unknown[]) => unknown;

/** Inside a run: is this call harmless after all? */
export type Allow = (args: readonly unknown[], self: unknown) => boolean;

/**
 * Replaces the function `owner[key]` with a guarded one, and returns it (or
 * `undefined` when this Node has no such function).
 */
export function guardFunction(owner: object | undefined, key: string, api: string, allow?: Allow): AnyFunction | undefined {
  const descriptor = owner === undefined ? undefined : Object.getOwnPropertyDescriptor(owner, key);
  const original: unknown = descriptor?.value;
  if (owner === undefined || typeof original !== 'function') return undefined;
  const guarded = function (this: unknown, ...args: unknown[]): unknown {
    if (runtime.run !== undefined && (allow === undefined || !allow(args, this))) refuse(api);
    return Reflect.apply(original, this, args);
  };
  copyShape(guarded, original);
  Object.defineProperty(owner, key, { ...descriptor, value: guarded });
  return guarded;
}

/**
 * Like {@link guardFunction}, for a property that other code reassigns and
 * later puts back (vitest swaps `process.nextTick` around each message to
 * its main process and restores it on a later tick): the property becomes
 * an accessor, and whatever function is assigned to it is guarded too.
 */
export function guardReassignableFunction(owner: object, key: string, api: string, allow?: Allow): void {
  const descriptor = Object.getOwnPropertyDescriptor(owner, key);
  if (descriptor === undefined || typeof descriptor.value !== 'function') return;
  const guardedOf = new WeakMap<object, unknown>();
  const originalOf = new WeakMap<object, unknown>();
  const guard = (fn: unknown): unknown => {
    if (typeof fn !== 'function' || originalOf.has(fn)) return fn;
    let guarded = guardedOf.get(fn);
    if (guarded === undefined) {
      const holder = { fn };
      guarded = guardFunction(holder, 'fn', api, allow);
      guardedOf.set(fn, guarded);
      originalOf.set(guarded as object, fn);
    }
    return guarded;
  };
  let current = guard(descriptor.value);
  Object.defineProperty(owner, key, {
    configurable: true,
    enumerable: descriptor.enumerable ?? true,
    get: () => current,
    set: (next: unknown) => {
      current = guard(next);
    },
  });
}

/**
 * Puts `guarded` at `owner[key]` too, where the same original was exported
 * under another name (`globalThis.setTimeout` is `require('node:timers').setTimeout`).
 */
export function alsoAt(owner: object, key: string, original: unknown, guarded: unknown): void {
  const descriptor = Object.getOwnPropertyDescriptor(owner, key);
  if (descriptor !== undefined && descriptor.value === original && guarded !== undefined) {
    Object.defineProperty(owner, key, { ...descriptor, value: guarded });
  }
}

/**
 * Puts at `owner[key]` a guarded `original`, as a plain non-enumerable
 * property: for deprecated aliases Node defines as getters that replace
 * themselves with the original on first use (`crypto.pseudoRandomBytes`).
 */
export function guardAlias(owner: object, key: string, original: unknown, api: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(owner, key);
  if (descriptor === undefined || typeof original !== 'function') return;
  const holder = { [key]: original };
  const guarded = guardFunction(holder, key, api);
  Object.defineProperty(owner, key, { configurable: true, enumerable: false, writable: true, value: guarded });
}

/** Replaces the getter `owner[key]` (`performance.timeOrigin`) with a guarded one. */
export function guardGetter(owner: object | undefined, key: string, api: string): void {
  const descriptor = owner === undefined ? undefined : Object.getOwnPropertyDescriptor(owner, key);
  const get = descriptor?.get;
  if (owner === undefined || get === undefined) return;
  Object.defineProperty(owner, key, {
    ...descriptor,
    get(this: unknown) {
      if (runtime.run !== undefined) refuse(api);
      return Reflect.apply(get, this, []);
    },
  });
}

/** Turns the data property `owner[key]` (`performance.nodeTiming`) into a guarded getter of the same value. */
export function guardValue(owner: object | undefined, key: string, api: string): void {
  const descriptor = owner === undefined ? undefined : Object.getOwnPropertyDescriptor(owner, key);
  if (owner === undefined || descriptor === undefined || !('value' in descriptor)) return;
  let value: unknown = descriptor.value;
  Object.defineProperty(owner, key, {
    configurable: descriptor.configurable ?? true,
    enumerable: descriptor.enumerable ?? false,
    get() {
      if (runtime.run !== undefined) refuse(api);
      return value;
    },
    set(next: unknown) {
      value = next;
    },
  });
}

/**
 * Replaces the class `owner[key]` with a guarded constructor that shares its
 * prototype, so `instanceof` and subclassing keep working, and points the
 * prototype's `constructor` at the replacement, so `new (x.constructor)()`
 * does not reach the original. `api(newTarget)` names a refused call.
 */
export function guardClass(owner: object | undefined, key: string, api: (called: 'new' | 'call') => string, allow?: Allow): AnyClass | undefined {
  const descriptor = owner === undefined ? undefined : Object.getOwnPropertyDescriptor(owner, key);
  const Original: unknown = descriptor?.value;
  if (owner === undefined || typeof Original !== 'function') return undefined;
  const OriginalClass = Original as AnyClass & AnyFunction;
  const Guarded = function (this: unknown, ...args: unknown[]): unknown {
    if (runtime.run !== undefined && (allow === undefined || !allow(args, new.target))) refuse(api(new.target === undefined ? 'call' : 'new'));
    if (new.target === undefined) return Reflect.apply(OriginalClass, this, args);
    return Reflect.construct(OriginalClass, args, new.target);
  } as unknown as AnyClass;
  copyShape(Guarded, OriginalClass);
  Object.defineProperty(Guarded, 'prototype', { value: OriginalClass.prototype, writable: false, enumerable: false, configurable: false });
  const constructorSlot = Object.getOwnPropertyDescriptor(OriginalClass.prototype, 'constructor');
  if (constructorSlot?.writable === true || constructorSlot?.configurable === true) {
    Object.defineProperty(OriginalClass.prototype, 'constructor', { ...constructorSlot, value: Guarded });
  }
  Object.defineProperty(owner, key, { ...descriptor, value: Guarded });
  return Guarded;
}

/** Gives `copy` the original's name, length and own properties (`process.hrtime.bigint`, `util.promisify.custom`). */
function copyShape(copy: object, original: object): void {
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'prototype' || key === 'arguments' || key === 'caller') continue;
    const descriptor = Object.getOwnPropertyDescriptor(original, key);
    if (descriptor !== undefined) Object.defineProperty(copy, key, descriptor);
  }
}
