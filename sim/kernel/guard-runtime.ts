/**
 * The determinism guard's state, shared by every copy of the guard in a
 * JavaScript realm.
 *
 * The guard replaces globals once per realm and forever (see `guard.ts`).
 * A test runner that evaluates the package's modules afresh for each test
 * file, or a project that loads both the source and the built package, has
 * several copies of these modules but one set of globals, so the state the
 * replaced globals consult lives on `globalThis` under a registered symbol,
 * not in a module variable.
 */

/** The first forbidden call a guarded run made. */
export interface GuardViolation {
  readonly api: string;
  /** `path:line:column` of the caller, relative to the working directory. */
  readonly callSite: string;
}

/** A run in progress under the guard. */
export interface GuardedRun {
  violation: GuardViolation | undefined;
  /** An error xstate tried to rethrow on a real timer (its `reportUnhandledError`); the run reports it as a model crash. */
  undelivered: { readonly error: unknown } | undefined;
  /** True virtual time, for the one caller allowed to read a clock (xstate's scheduler). */
  readonly virtualNowMs: () => number;
}

/** Something the guard switches on for the length of a run (the hook on asynchronous resources). */
export interface RunSwitch {
  enable(): void;
  disable(): void;
}

interface GuardRuntime {
  /** The guarded run in progress, if any. */
  run: GuardedRun | undefined;
  /** True while xstate's scheduler stamps a delayed event: `Date.now()` answers with virtual time. */
  xstateScheduling: boolean;
  /** The globals were replaced. */
  installed: boolean;
  /** Switched on at the start of each run and off at its end. */
  readonly duringRuns: RunSwitch[];
}

const RUNTIME_KEY = Symbol.for('chaos-testbed.determinism-guard.v1');

type WithRuntime = { [RUNTIME_KEY]?: GuardRuntime };

/** The realm's guard state. */
export const runtime: GuardRuntime = ((globalThis as WithRuntime)[RUNTIME_KEY] ??= {
  run: undefined,
  xstateScheduling: false,
  installed: false,
  duringRuns: [],
});

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

/**
 * Refuses a call during a run: remembers it (so the run ends as
 * `nondeterminism` even if the model catches the error) and throws. The
 * one caller let through is the test runner's own output plumbing: vitest
 * stamps each line a model prints with `Date.now()` and queues a microtask
 * to send it, and what a model prints is not part of its run; the
 * replacement then goes on to the original.
 */
export function refuse(api: string): void {
  const frame = callerFrame();
  if (frame !== undefined && TEST_RUNNER_FRAME.test(frame)) return;
  const callSite = siteOf(frame);
  const run = runtime.run;
  if (run !== undefined) run.violation ??= { api, callSite };
  throw new NondeterminismError(api, callSite);
}

/**
 * Remembers a forbidden act that cannot be refused by throwing (an
 * asynchronous resource being created: Node forbids throwing from that
 * hook). The call site is taken only for the first one.
 */
export function notice(api: string): void {
  const run = runtime.run;
  if (run === undefined || run.violation !== undefined) return;
  const frame = callerFrame();
  if (frame !== undefined && TEST_RUNNER_FRAME.test(frame)) return;
  run.violation = { api, callSite: siteOf(frame) };
}

/** Frames of vitest's own code. */
const TEST_RUNNER_FRAME = /[/\\]node_modules[/\\](vitest|@vitest[/\\][a-z-]+)[/\\]/;

const GUARD_DIR = new URL('.', import.meta.url).pathname;
/** This file and its siblings `guard.ts`, `guard-*.ts` (or `.js` once built). */
const GUARD_FILE = /^guard(-[a-z]+)?\.[cm]?[jt]s$/;
/**
 * How many frames to capture: the guard's own and Node's between the caller
 * and the guard (an async hook's init is called through a few of Node's),
 * with room to spare.
 */
const STACK_FRAMES = 20;

/** A frame as `path:line:column`, relative to the working directory. */
function siteOf(frame: string | undefined): string {
  if (frame === undefined) return 'unknown call site';
  try {
    return formatFrame(frame);
  } catch {
    // process.cwd() throws when the working directory was removed.
    return frameLocation(frame);
  }
}

/**
 * The first stack frame that is neither the guard's nor Node's own, as raw
 * text (`at fn (path:line:column)`); with `skipEngine` false, the first
 * frame outside the guard even if it is Node's.
 */
export function callerFrame(skipEngine = true): string | undefined {
  try {
    const holder: { stack?: string } = {};
    const saved = Error.stackTraceLimit;
    Error.stackTraceLimit = STACK_FRAMES;
    try {
      Error.captureStackTrace(holder);
    } finally {
      Error.stackTraceLimit = saved;
    }
    const stack = holder.stack;
    if (typeof stack !== 'string') return undefined;
    return stack
      .split('\n')
      .slice(1)
      .map((frame) => frame.trim())
      .find((frame) => !isGuardFrame(frame) && !(skipEngine && isEngineFrame(frame)));
  } catch {
    // A model may have replaced Error.prepareStackTrace with one that throws.
    return undefined;
  }
}

/** A frame of Node's own JavaScript (`node:internal/...`). */
export function isNodeFrame(frame: string): boolean {
  return frame.includes('(node:') || frame.startsWith('at node:');
}

/** A frame of Node's own code or of the engine's built-ins (`Array.forEach (<anonymous>)`). */
function isEngineFrame(frame: string): boolean {
  return isNodeFrame(frame) || frame.endsWith('(<anonymous>)') || frame === 'at <anonymous>';
}

function isGuardFrame(frame: string): boolean {
  const location = frameLocation(frame).replace(/^file:\/\//, '');
  if (!location.startsWith(GUARD_DIR)) return false;
  const file = location.slice(GUARD_DIR.length).replace(/:\d+:\d+$/, '');
  return GUARD_FILE.test(file);
}

function frameLocation(frame: string): string {
  const match = /\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?$/.exec(frame);
  return match?.[1] ?? frame;
}

function formatFrame(frame: string): string {
  const path = frameLocation(frame).replace(/^file:\/\//, '');
  const cwd = process.cwd() + '/';
  return path.startsWith(cwd) ? path.slice(cwd.length) : path;
}
