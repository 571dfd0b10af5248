/**
 * Everything that runs code later, at a moment the virtual clock does not
 * decide: real timers from any module (`globalThis`, `node:timers`,
 * `node:timers/promises`, `AbortSignal.timeout`), `setImmediate`,
 * `queueMicrotask`, `process.nextTick`, promise continuations and async
 * functions, any other asynchronous resource (a file read with a callback,
 * a message port), and the garbage collector's callbacks (`WeakRef`,
 * `FinalizationRegistry`).
 *
 * A run is synchronous: whatever it schedules for later runs after the run
 * has ended, or in the middle of the next one. The timer functions throw.
 * Promises cannot be refused by throwing (an `await` creates one inside the
 * engine), so an async hook, switched on only while a run is in progress,
 * sees every asynchronous resource being created: it names the first with
 * its call site, and marks each promise as handled, so that a rejection
 * arriving after the run cannot crash the tool. A continuation that was
 * already queued still runs once the run is over, against a world whose
 * result is taken; JavaScript offers no way to cancel it.
 *
 * Two exceptions, both Node's own plumbing. Node's streams call the public
 * `process.nextTick` to finish a write, so `console.log` in a model is
 * allowed (its output is not part of the run). And xstate rethrows an error
 * nobody observed on a real timer (`reportUnhandledError`): the guard takes
 * that error and the run reports it as a model crash, never as xstate
 * calling `setTimeout`.
 */
import { createHook } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { callerFrame, isNodeFrame, notice, refuse, runtime } from './guard-runtime.ts';
import { alsoAt, guardClass, guardFunction, guardReassignableFunction } from './guard-wrap.ts';

const require = createRequire(import.meta.url);

export function guardScheduling(): void {
  const timers = require('node:timers') as Record<string, unknown>;
  const setTimeoutOriginal = globalThis.setTimeout;
  alsoAt(timers, 'setTimeout', setTimeoutOriginal, guardSetTimeout());
  for (const name of ['setInterval', 'setImmediate']) {
    const original = (globalThis as unknown as Record<string, unknown>)[name];
    alsoAt(timers, name, original, guardFunction(globalThis, name, name));
  }
  guardFunction(globalThis, 'queueMicrotask', 'queueMicrotask');
  // Node's streams call the public process.nextTick (see above); only a call from Node's own code is let through.
  guardReassignableFunction(process, 'nextTick', 'process.nextTick', () => isNodeFrame(callerFrame(false) ?? ''));
  const timersPromises = require('node:timers/promises') as Record<string, unknown>;
  for (const name of ['setTimeout', 'setImmediate', 'setInterval']) guardFunction(timersPromises, name, `timers/promises.${name}`);
  const scheduler = timersPromises.scheduler === undefined ? undefined : (Object.getPrototypeOf(timersPromises.scheduler) as object);
  for (const name of ['wait', 'yield']) guardFunction(scheduler, name, `timers/promises.scheduler.${name}`);
  guardFunction(AbortSignal, 'timeout', 'AbortSignal.timeout');
  guardGarbageCollectorCallbacks();
  runtime.duringRuns.push(asyncResourceHook());
}

/**
 * `setTimeout`, with xstate's `reportUnhandledError` told apart from a
 * model: its callback only rethrows the error, so the guard calls it at once
 * and keeps the error for the run.
 */
function guardSetTimeout(): unknown {
  const original = globalThis.setTimeout as unknown as (...args: unknown[]) => unknown;
  const guarded = function (this: unknown, ...args: unknown[]): unknown {
    const run = runtime.run;
    if (run === undefined) return Reflect.apply(original, this, args);
    if (isXstateFrame(callerFrame()) && typeof args[0] === 'function') {
      try {
        (args[0] as () => void)();
      } catch (error) {
        run.undelivered ??= { error };
      }
      return undefined;
    }
    refuse('setTimeout');
    return Reflect.apply(original, this, args);
  };
  Object.defineProperty(globalThis, 'setTimeout', { ...Object.getOwnPropertyDescriptor(globalThis, 'setTimeout'), value: guarded });
  for (const key of Reflect.ownKeys(original)) {
    if (key !== 'prototype') Object.defineProperty(guarded, key, Object.getOwnPropertyDescriptor(original, key)!);
  }
  return guarded;
}

function isXstateFrame(frame: string | undefined): boolean {
  return frame !== undefined && /[/\\]node_modules[/\\]xstate[/\\]/.test(frame);
}

/** What a `WeakRef` still holds, and when a finalizer runs, depend on the garbage collector. */
function guardGarbageCollectorCallbacks(): void {
  guardClass(globalThis, 'WeakRef', () => 'new WeakRef()');
  guardFunction(WeakRef.prototype, 'deref', 'WeakRef.deref');
  guardClass(globalThis, 'FinalizationRegistry', () => 'new FinalizationRegistry()');
  guardFunction(FinalizationRegistry.prototype, 'register', 'FinalizationRegistry.register');
}

/**
 * Resource types that are Node's output plumbing, created by `console.log`
 * and `process.stdout.write` (a `TickObject` from a model's own
 * `process.nextTick` is refused before it exists).
 */
const OUTPUT_PLUMBING = new Set(['TickObject', 'TTYWRAP', 'PIPEWRAP', 'WRITEWRAP', 'SHUTDOWNWRAP']);

/**
 * Node's crypto jobs (`SIGNREQUEST`, `PBKDF2REQUEST`, ...) are created for
 * synchronous calls too (`crypto.sign` without a callback); their
 * asynchronous forms are refused by name in guard-entropy.ts.
 */
const CRYPTO_JOB = /REQUEST$/;

/** The name a refused resource type is reported under. */
function apiOf(type: string): string {
  switch (type) {
    case 'PROMISE':
      return 'Promise';
    case 'Timeout':
      return 'setTimeout';
    case 'Immediate':
      return 'setImmediate';
    case 'Microtask':
      return 'queueMicrotask';
    default:
      return `asynchronous ${type}`;
  }
}

const promiseThen = Promise.prototype.then;
const ignore = (): void => {};

function asyncResourceHook(): { enable(): void; disable(): void } {
  let markingHandled = false;
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (runtime.run === undefined || markingHandled || OUTPUT_PLUMBING.has(type) || CRYPTO_JOB.test(type)) return;
      notice(apiOf(type));
      if (type !== 'PROMISE') return;
      // Attaching the handler creates one more promise; the flag keeps this hook out of it.
      markingHandled = true;
      try {
        Reflect.apply(promiseThen, resource, [undefined, ignore]);
      } finally {
        markingHandled = false;
      }
    },
  });
  return {
    enable: () => void hook.enable(),
    disable: () => void hook.disable(),
  };
}
