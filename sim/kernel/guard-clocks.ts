/**
 * Every clock a model can reach, and every reading that changes from one
 * moment or one process to the next (memory, CPU time, load): `Date` in all
 * its forms, `performance` and `perf_hooks`, `process.hrtime`, `uptime`,
 * `cpuUsage`, `resourceUsage`, `memoryUsage`, `node:os` and `node:v8`
 * readings, `Intl.DateTimeFormat` formatting the current time, and
 * `Temporal.Now` where the runtime has it.
 *
 * The one caller that may read the clock is xstate's scheduler (see
 * `asXstateScheduler` in guard.ts): it stamps each delayed event with
 * `Date.now()`, a `startedAt` nothing in a run reads, and gets virtual time.
 */
import { createRequire } from 'node:module';
import { refuse, runtime } from './guard-runtime.ts';
import { alsoAt, guardClass, guardFunction, guardGetter, guardValue } from './guard-wrap.ts';

/**
 * Virtual time 0 as a Unix epoch, for the one caller that gets a virtual
 * `Date.now()`. A fixed date, so reports and traces never hold a real one.
 */
export const VIRTUAL_EPOCH_MS = Date.UTC(2026, 0, 1);

const require = createRequire(import.meta.url);

export function guardClocks(): void {
  guardDate();
  guardPerformance();
  guardProcessReadings();
  guardModuleReadings();
  guardIntl();
  guardTemporal();
}

/**
 * `Date.now()`, `new Date()` and `Date()`; a `Date` of an explicit time is
 * plain arithmetic and allowed. `now` is replaced on the original class too,
 * for a module that captured `Date` before the guard was installed.
 */
function guardDate(): void {
  const OriginalDate = Date;
  const now = Date.now;
  const guarded = {
    now(): number {
      const run = runtime.run;
      if (run === undefined) return now();
      if (runtime.xstateScheduling) return VIRTUAL_EPOCH_MS + run.virtualNowMs();
      refuse('Date.now');
      return now();
    },
  };
  const GuardedDate = guardClass(globalThis, 'Date', (called) => (called === 'new' ? 'new Date()' : 'Date()'), (args, newTarget) => newTarget !== undefined && args.length > 0);
  for (const owner of [OriginalDate, GuardedDate]) {
    if (owner !== undefined) Object.defineProperty(owner, 'now', { ...Object.getOwnPropertyDescriptor(OriginalDate, 'now'), value: guarded.now });
  }
}

function guardPerformance(): void {
  const prototype = Object.getPrototypeOf(globalThis.performance) as object;
  for (const method of ['now', 'mark', 'measure', 'timerify', 'eventLoopUtilization', 'getEntries', 'getEntriesByName', 'getEntriesByType', 'toJSON', 'markResourceTiming']) {
    guardFunction(prototype, method, `performance.${method}`);
  }
  guardGetter(prototype, 'timeOrigin', 'performance.timeOrigin');
  guardValue(prototype, 'nodeTiming', 'performance.nodeTiming');
  const perfHooks = require('node:perf_hooks') as Record<string, unknown>;
  guardFunction(perfHooks, 'monitorEventLoopDelay', 'perf_hooks.monitorEventLoopDelay');
  guardFunction(perfHooks, 'createHistogram', 'perf_hooks.createHistogram');
  const PerformanceMark = perfHooks.PerformanceMark;
  const Guarded = guardClass(perfHooks, 'PerformanceMark', () => 'new PerformanceMark()');
  alsoAt(globalThis, 'PerformanceMark', PerformanceMark, Guarded);
}

function guardProcessReadings(): void {
  const hrtime = guardFunction(process, 'hrtime', 'process.hrtime');
  guardFunction(hrtime, 'bigint', 'process.hrtime.bigint');
  for (const reading of ['uptime', 'cpuUsage', 'resourceUsage', 'constrainedMemory', 'availableMemory']) {
    guardFunction(process, reading, `process.${reading}`);
  }
  const memoryUsage = guardFunction(process, 'memoryUsage', 'process.memoryUsage');
  guardFunction(memoryUsage, 'rss', 'process.memoryUsage.rss');
  guardFunction(process.report, 'getReport', 'process.report.getReport');
}

function guardModuleReadings(): void {
  const os = require('node:os') as Record<string, unknown>;
  for (const reading of ['uptime', 'loadavg', 'freemem', 'cpus']) guardFunction(os, reading, `os.${reading}`);
  const v8 = require('node:v8') as Record<string, unknown>;
  for (const reading of ['getHeapStatistics', 'getHeapSpaceStatistics', 'getHeapCodeStatistics']) guardFunction(v8, reading, `v8.${reading}`);
}

/** `Intl.DateTimeFormat` formats the current time when given no date. */
function guardIntl(): void {
  const prototype = Intl.DateTimeFormat.prototype;
  guardFunction(prototype, 'formatToParts', 'Intl.DateTimeFormat formatToParts() of the current time', (args) => args[0] !== undefined);
  // `format` is a getter returning a function bound to the formatter.
  const descriptor = Object.getOwnPropertyDescriptor(prototype, 'format');
  const get = descriptor?.get;
  if (get === undefined) return;
  const bound = new WeakMap<object, (date?: unknown) => string>();
  Object.defineProperty(prototype, 'format', {
    ...descriptor,
    get(this: Intl.DateTimeFormat) {
      let format = bound.get(this);
      if (format === undefined) {
        const original = Reflect.apply(get, this, []) as (date?: unknown) => string;
        format = (date?: unknown) => {
          if (runtime.run !== undefined && date === undefined) refuse('Intl.DateTimeFormat format() of the current time');
          return original(date);
        };
        bound.set(this, format);
      }
      return format;
    },
  });
}

/** `Temporal.Now`, where the runtime has Temporal (not Node 20 or 22 by default). */
function guardTemporal(): void {
  const temporal = (globalThis as { Temporal?: { Now?: Record<string, unknown> } }).Temporal;
  const now = temporal?.Now;
  if (now === undefined) return;
  for (const key of Object.getOwnPropertyNames(now)) {
    if (typeof now[key] === 'function') guardFunction(now, key, `Temporal.Now.${key}`);
  }
}
