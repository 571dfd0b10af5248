/**
 * The determinism guard.
 *
 * {@link installDeterminismGuard} replaces, once per JavaScript realm and for
 * good, every source of hidden time, randomness and later execution that
 * Node offers a model: clocks (guard-clocks.ts), randomness
 * (guard-entropy.ts), and timers, microtasks, promises and other
 * asynchronous resources (guard-scheduling.ts). Outside a run each
 * replacement behaves exactly like the original, so the tool's own
 * stopwatch, test runners and fast-check keep working. Inside a run
 * ({@link withDeterminismGuard}) a call throws a {@link NondeterminismError}
 * naming the call site, and the guard remembers the first one, so the run
 * ends as `nondeterminism` even if the model caught the error.
 *
 * Installed before any scenario or model module loads, the guard also sees
 * references a module captured at import time (`const now = Date.now`,
 * `import { setTimeout } from 'node:timers'`, `const D = Date`), because what
 * they captured is already the replacement. The tool's entry points install
 * it first thing; a run installs it too if nobody did, and then only lookups
 * made at call time are guarded. Values computed at import time (`const t0 =
 * Date.now()` at the top of a module) are outside any run and out of reach:
 * the self-check across processes is what finds those.
 *
 * One exception, by design: xstate's scheduler stamps each delayed event
 * with `Date.now()` (a `startedAt` field nothing in a run reads). The kernel
 * wraps each actor system's scheduler in {@link asXstateScheduler}, and
 * `Date.now()` calls made inside it get the virtual time. Any other caller is
 * refused, because a model must read its own node's clock (`io.nowMs()`),
 * which carries that node's skew. (`Math.random` stays refused even there:
 * xstate draws it for a delayed event without an id.)
 */
import { syncBuiltinESMExports } from 'node:module';
import { guardClocks } from './guard-clocks.ts';
import { guardEntropy } from './guard-entropy.ts';
import { runtime, type GuardedRun, type GuardViolation } from './guard-runtime.ts';
import { guardScheduling } from './guard-scheduling.ts';

export { VIRTUAL_EPOCH_MS } from './guard-clocks.ts';
export { NondeterminismError } from './guard-runtime.ts';
export type { GuardViolation } from './guard-runtime.ts';

/**
 * Replaces every clock, entropy source and scheduler a model can reach with
 * its guarded version, for the rest of the process (of this thread, in a
 * worker). Idempotent. Call it before any scenario or model module is
 * imported: in a command line's entry module, a worker's first line, a test
 * runner's setup file.
 */
export function installDeterminismGuard(): void {
  if (runtime.installed) return;
  runtime.installed = true;
  guardClocks();
  guardEntropy();
  guardScheduling();
  // ESM named imports of node:crypto, node:timers, ... see the replacements.
  syncBuiltinESMExports();
}

/**
 * Runs `body` as a guarded run and returns what it returned together with
 * the first violation, if any. Guards do not nest: an inner call runs `body`
 * under the outer guard.
 */
export function withDeterminismGuard<T>(virtualNowMs: () => number, body: () => T): { result: T; violation: GuardViolation | undefined } {
  installDeterminismGuard();
  if (runtime.run !== undefined) return { result: body(), violation: undefined };
  const run: GuardedRun = { violation: undefined, undelivered: undefined, virtualNowMs };
  runtime.run = run;
  for (const on of runtime.duringRuns) on.enable();
  try {
    return { result: body(), violation: run.violation };
  } finally {
    for (const on of runtime.duringRuns) on.disable();
    runtime.run = undefined;
  }
}

/** Runs `schedule` as xstate's scheduler: `Date.now()` reads virtual time meanwhile. */
export function asXstateScheduler<T>(schedule: () => T): T {
  const outer = runtime.xstateScheduling;
  runtime.xstateScheduling = true;
  try {
    return schedule();
  } finally {
    runtime.xstateScheduling = outer;
  }
}

/** The violation recorded so far by the guard in force, if any. */
export function currentGuardViolation(): GuardViolation | undefined {
  return runtime.run?.violation;
}

/**
 * An error xstate could not deliver to any observer and tried to rethrow on
 * a real timer during the run in force, if any (see guard-scheduling.ts).
 */
export function undeliveredXstateError(): { readonly error: unknown } | undefined {
  return runtime.run?.undelivered;
}
