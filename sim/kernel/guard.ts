/**
 * The determinism guard.
 *
 * While a run is in progress, every source of hidden time or randomness in
 * the JavaScript environment is replaced: `Math.random`, `Date.now`,
 * `new Date()`, `performance.now`, `process.hrtime`, real timers,
 * `queueMicrotask`, `setImmediate` and the crypto random functions. A call
 * throws a {@link NondeterminismError} naming the call site, and the guard
 * remembers the first such call so the run ends as `nondeterminism` even if
 * the model swallowed the exception. Everything is restored afterwards, also
 * when the run throws.
 *
 * One exception, by design: xstate's scheduler stamps each delayed event
 * with `Date.now()` (a `startedAt` field nothing in a run reads). The kernel
 * wraps each actor system's scheduler in {@link asXstateScheduler}, and
 * `Date.now()` calls made inside it get the virtual time. Any other caller is
 * refused, because a model must read its own node's clock (`io.nowMs()`),
 * which carries that node's skew. (`Math.random` stays refused even there:
 * xstate draws it for a delayed event without an id.)
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';

/** Thrown at a forbidden call during a guarded run. */
export class NondeterminismError extends Error {
  constructor(
    readonly api: string,
    readonly callSite: string,
  ) {
    super(`${api} called during a simulation run at ${callSite}; use the node's io (clock, rng, timers) instead`);
    this.name = 'NondeterminismError';
  }
}

/** The first forbidden call a guarded run made. */
export interface GuardViolation {
  readonly api: string;
  /** `path:line:column` of the caller, relative to the working directory. */
  readonly callSite: string;
}

/**
 * Virtual time 0 as a Unix epoch, for the one caller that gets a virtual
 * `Date.now()`. A fixed date, so reports and traces never hold a real one.
 */
export const VIRTUAL_EPOCH_MS = Date.UTC(2026, 0, 1);

// Node's crypto module, patched too so that `import { randomUUID } from
// 'node:crypto'` is guarded (syncBuiltinESMExports updates ESM bindings).
const nodeCrypto = createRequire(import.meta.url)('node:crypto') as Record<string, unknown>;

type Restore = () => void;

/**
 * Installs the guard, runs `body`, restores the environment and returns what
 * `body` returned together with the first violation, if any. Guards do not
 * nest: an inner call runs `body` under the outer guard.
 */
export function withDeterminismGuard<T>(virtualNowMs: () => number, body: () => T): { result: T; violation: GuardViolation | undefined } {
  if (active !== undefined) return { result: body(), violation: undefined };
  const state: GuardState = { violation: undefined };
  active = state;
  const restores = install(state, virtualNowMs);
  try {
    return { result: body(), violation: state.violation };
  } finally {
    for (const restore of restores.reverse()) restore();
    active = undefined;
  }
}

let xstateScheduling = false;

/** Runs `schedule` as xstate's scheduler: `Date.now()` reads virtual time meanwhile. */
export function asXstateScheduler<T>(schedule: () => T): T {
  const outer = xstateScheduling;
  xstateScheduling = true;
  try {
    return schedule();
  } finally {
    xstateScheduling = outer;
  }
}

/** The violation recorded so far by the guard in force, if any. */
export function currentGuardViolation(): GuardViolation | undefined {
  return active?.violation;
}

interface GuardState {
  violation: GuardViolation | undefined;
}

let active: GuardState | undefined;

function install(state: GuardState, virtualNowMs: () => number): Restore[] {
  const refuse = (api: string) => (): never => {
    const callSite = callerSite();
    state.violation ??= { api, callSite };
    throw new NondeterminismError(api, callSite);
  };
  const restores: Restore[] = [];
  const replace = <O extends object>(owner: O, key: string, value: unknown): void => {
    const had = Object.prototype.hasOwnProperty.call(owner, key);
    const previous = (owner as Record<string, unknown>)[key];
    (owner as Record<string, unknown>)[key] = value;
    restores.push(() => {
      if (had) (owner as Record<string, unknown>)[key] = previous;
      else delete (owner as Record<string, unknown>)[key];
    });
  };

  replace(Math, 'random', refuse('Math.random'));
  const refuseDateNow = refuse('Date.now');
  replace(Date, 'now', () => (xstateScheduling ? VIRTUAL_EPOCH_MS + virtualNowMs() : refuseDateNow()));
  replace(globalThis, 'Date', guardedDateClass(Date, refuse('new Date()')));
  replace(performance, 'now', refuse('performance.now'));
  const hrtime = Object.assign(refuse('process.hrtime'), { bigint: refuse('process.hrtime.bigint') });
  replace(process, 'hrtime', hrtime);
  for (const timer of ['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']) {
    replace(globalThis, timer, refuse(timer));
  }
  replace(globalThis.crypto, 'randomUUID', refuse('crypto.randomUUID'));
  replace(globalThis.crypto, 'getRandomValues', refuse('crypto.getRandomValues'));
  for (const fn of ['randomUUID', 'randomBytes', 'randomInt', 'randomFillSync']) {
    replace(nodeCrypto, fn, refuse(`crypto.${fn}`));
  }
  syncBuiltinESMExports();
  restores.push(() => syncBuiltinESMExports());
  return restores;
}

/** A `Date` whose zero-argument constructor (the current time) is refused. */
function guardedDateClass(Original: DateConstructor, onNow: () => never): DateConstructor {
  const Guarded = function (this: unknown, ...args: unknown[]) {
    if (args.length === 0) onNow();
    if (!new.target) return Original();
    return Reflect.construct(Original, args, new.target);
  } as unknown as DateConstructor;
  Object.setPrototypeOf(Guarded, Original);
  (Guarded as { prototype: Date }).prototype = Original.prototype;
  return Guarded;
}

const GUARD_FILE = new URL(import.meta.url).pathname;

/** The first stack frame outside this file, as `path:line:column`. */
function callerSite(): string {
  const frame = firstFrameOutsideGuard();
  return frame === undefined ? 'unknown call site' : formatFrame(frame);
}

function firstFrameOutsideGuard(): string | undefined {
  const holder: { stack?: string } = {};
  const saved = Error.stackTraceLimit;
  // Guard frames are at most a handful deep; 12 leaves room for the caller.
  Error.stackTraceLimit = 12;
  Error.captureStackTrace(holder);
  Error.stackTraceLimit = saved;
  const frames = (holder.stack ?? '').split('\n').slice(1);
  return frames.find((frame) => !frame.includes(GUARD_FILE));
}

function formatFrame(frame: string): string {
  const match = /\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?$/.exec(frame.trim());
  const location = match?.[1] ?? frame.trim();
  const path = location.replace(/^file:\/\//, '');
  const cwd = process.cwd() + '/';
  return path.startsWith(cwd) ? path.slice(cwd.length) : path;
}
