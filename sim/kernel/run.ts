/**
 * One run: a scenario's variant, a seed and a fault plan, start to finish.
 *
 * The loop pops the next event, advances true virtual time to it, runs it,
 * and checks the invariants. It stops at the first violation, at the end of
 * the run (the scenario's duration, or the last liveness deadline if later),
 * or when a budget runs out. The whole run, `build` included, happens under
 * the determinism guard.
 */
import { InvariantChecker } from './checker.ts';
import { errorMessage } from './error-message.ts';
import { lastHealMs, type FaultPlan } from './faults.ts';
import { currentGuardViolation, undeliveredXstateError, withDeterminismGuard } from './guard.ts';
import { Injector } from './injector.ts';
import type { Outcome } from './outcome.ts';
import type { AnyScenario, ProgressMeasure } from './scenario.ts';
import type { WorldView } from './invariants.ts';
import { DEFAULT_MAX_MICROSTEPS_PER_EVENT, DEFAULT_MAX_PENDING_EVENTS, StepBudget, withStepBudget } from './step-budget.ts';
import type { TraceMode, TraceRecord } from './trace.ts';
import { World } from './world.ts';
import { worldView } from './world-view.ts';

/**
 * The version of the kernel's semantics; bump it when traces of the same
 * plan change. 2: a record's detail enters the hash by its own hash
 * (trace.ts), so a campaign hashes a message without describing it; the
 * records themselves are as in 1, their hashes are not.
 */
export const KERNEL_VERSION = 2;

/** Limits and trace settings of a run. */
export interface RunOptions {
  /** `full` keeps every record (reports, replays); `hash` the hash and a tail; `outcome` neither (a campaign's runs). Default `hash`. */
  readonly traceMode?: TraceMode;
  /** Stop as `budget-exceeded` after this many events. Default 5,000,000. */
  readonly maxEvents?: number;
  /**
   * Stop as a livelock after this many events at one virtual instant.
   * Default 100,000: far above any real burst (a fleet of 1000 nodes all
   * acting at once), far below what would hang a laptop.
   */
  readonly maxEventsPerInstant?: number;
  /**
   * Stop as `budget-exceeded` (`microsteps`) when one event makes xstate
   * take more microsteps than this: a raise or eventless loop that would
   * never return. Default {@link DEFAULT_MAX_MICROSTEPS_PER_EVENT}.
   */
  readonly maxMicrostepsPerEvent?: number;
  /**
   * Stop as `budget-exceeded` (`pending-events`) when a node tries to queue
   * an event while this many are pending: a timer explosion, stopped before
   * it exhausts memory. Default {@link DEFAULT_MAX_PENDING_EVENTS}.
   */
  readonly maxPendingEvents?: number;
  /** Keep the hash after every trace record, to locate a divergence. */
  readonly checkpoints?: boolean;
  /** Told of every trace record as it is appended (the watchdog's capture of a hanging run). */
  readonly onRecord?: (record: TraceRecord) => void;
  /**
   * Where the run reports its progress to a watchdog on another thread:
   * before each event it writes true virtual time to `[0]` and the events
   * run so far to `[1]`. Pass a `Float64Array` over a `SharedArrayBuffer`;
   * when the run is stopped from outside, they say how far it got.
   */
  readonly progress?: Float64Array;
}

/** What a run produced. */
export interface RunResult {
  readonly scenario: string;
  readonly variant: string;
  readonly seed: number;
  readonly outcome: Outcome;
  /** Rolling hash of the whole trace: equal for equal seed, plan and code. */
  readonly traceHash: string;
  /** Kernel events run. */
  readonly events: number;
  /** True virtual time at which the run ended. */
  readonly simulatedMs: number;
  /** Trace records appended (kept or not). */
  readonly traceLength: number;
  /** Faults of the plan that changed something, by kind. */
  readonly faultsFired: Readonly<Record<string, number>>;
  /** Per plan fault, in plan order: did it fire? */
  readonly firedFaults: readonly boolean[];
  /** Faults of the plan whose effect reached a model, by kind (see injector.ts: "effective"). */
  readonly faultsEffective: Readonly<Record<string, number>>;
  /** Per plan fault, in plan order: was it effective? */
  readonly effectiveFaults: readonly boolean[];
  /**
   * Machine states and transitions reached, and states entered while a fault
   * kind was in force (`machineId:state@kind`), sorted.
   */
  readonly coverage: {
    readonly states: readonly string[];
    readonly transitions: readonly string[];
    readonly pairs: readonly string[];
    /** When each state was first entered, in virtual ms, by state (in order of first entry). */
    readonly stateFirstMs: Readonly<Record<string, number>>;
  };
  /** The highest value of the scenario's progress measure in the run, or `null` (none declared, or it never had a value). */
  readonly progress: number | null;
  /** `sometimes` goals reached in this run. */
  readonly sometimesReached: readonly string[];
  /** The trace: every record in `full` mode, the last ones in `hash` mode. */
  readonly trace: readonly TraceRecord[];
  /** Hash after each record, when `checkpoints` was set. */
  readonly checkpoints?: readonly string[];
}

const DEFAULT_MAX_EVENTS = 5_000_000;

/** An event that only makes the loop check the invariants (at an `eventuallyEach` deadline). */
function wakeForCheck(): void {}
const DEFAULT_MAX_EVENTS_PER_INSTANT = 100_000;

/**
 * Runs `scenario`'s `variant` from `seed` under `plan`.
 * @throws Error when the variant does not exist (callers validate input first)
 */
export function run(scenario: AnyScenario, variant: string, seed: number, plan: FaultPlan, options: RunOptions = {}): RunResult {
  // Own properties only: 'constructor' or 'toString' is no variant.
  if (!Object.hasOwn(scenario.variants, variant)) throw new Error(`scenario ${scenario.id} has no variant '${variant}'`);
  const flags = scenario.variants[variant]!;
  const clockForGuard = { nowMs: 0 };
  const budget = new StepBudget(
    options.maxMicrostepsPerEvent ?? DEFAULT_MAX_MICROSTEPS_PER_EVENT,
    options.maxPendingEvents ?? DEFAULT_MAX_PENDING_EVENTS,
    () => clockForGuard.nowMs,
  );
  const { result } = withDeterminismGuard(
    () => clockForGuard.nowMs,
    () => withStepBudget(budget, () => runGuarded(scenario, variant, flags, seed, plan, options, clockForGuard, budget)),
  );
  return result;
}

function runGuarded(
  scenario: AnyScenario,
  variant: string,
  flags: AnyScenario['variants']['buggy'],
  seed: number,
  plan: FaultPlan,
  options: RunOptions,
  clockForGuard: { nowMs: number },
  budget: StepBudget,
): RunResult {
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  const maxPerInstant = options.maxEventsPerInstant ?? DEFAULT_MAX_EVENTS_PER_INSTANT;
  let world: World | undefined;
  let outcome: Outcome | undefined;
  let events = 0;
  let endMs = scenario.durationMs;
  let injector: Injector | undefined;
  let checker: InvariantChecker | undefined;
  const progress = { best: null as number | null };
  try {
    world = new World(scenario, flags, seed, options.traceMode ?? 'hash', options.checkpoints ?? false);
    const kernel = world.kernel;
    kernel.trace.onRecord = options.onRecord;
    injector = new Injector(world, scenario, plan);
    const view = worldView(world, injector, Math.max(lastHealMs(plan), scenario.quietAfterMs ?? 0));
    const nodes = world.builtNodes;
    // A function is called once per run, so a measure's memory never crosses runs.
    const measure = typeof scenario.progress === 'function' ? scenario.progress(nodes as never) : scenario.progress;
    const activeChecker = new InvariantChecker(scenario.invariants(world.builtNodes, flags), view, (atMs) => kernel.at(atMs, wakeForCheck));
    checker = activeChecker;
    injector.schedule();
    let deadlinesLeft = 0;
    for (const { deadlineMs, name } of activeChecker.deadlines()) {
      endMs = Math.max(endMs, deadlineMs);
      deadlinesLeft++;
      kernel.at(deadlineMs, () => {
        deadlinesLeft--;
        const quiet = kernel.queue.size === deadlinesLeft;
        outcome ??= activeChecker.atDeadline(name, quiet);
      });
    }

    const watched = options.progress;
    for (;;) {
      const entry = kernel.nextEvent(endMs);
      if (entry === undefined) break;
      clockForGuard.nowMs = kernel.nowMs;
      if (watched !== undefined) {
        watched[0] = kernel.nowMs;
        watched[1] = events;
      }
      if (kernel.sameInstantCount > maxPerInstant) {
        outcome = {
          kind: 'budget-exceeded',
          reason: 'livelock',
          atMs: kernel.nowMs,
          detail: `more than ${maxPerInstant} events at one virtual instant: virtual time stopped moving`,
        };
        break;
      }
      budget.beginEvent();
      entry.run();
      events++;
      if (measure !== undefined) measureProgress(measure, nodes, view, progress);
      outcome ??= stepOutcome(world, activeChecker, budget);
      if (outcome !== undefined) break;
      if (events >= maxEvents) {
        outcome = { kind: 'budget-exceeded', reason: 'events', atMs: kernel.nowMs, detail: `the run reached its budget of ${maxEvents} events` };
        break;
      }
    }
    if (outcome === undefined) kernel.nowMs = Math.max(kernel.nowMs, endMs);
  } catch (error) {
    outcome = thrownOutcome(error, world, budget);
  }
  if (outcome !== undefined && outcome.kind !== 'pass' && world !== undefined) {
    world.kernel.record('sim', 'violation', '', outcome.kind);
  }
  return summarize(scenario.id, variant, seed, outcome ?? { kind: 'pass' }, world, injector, checker, events, progress.best);
}

/** Reads the scenario's progress measure after a step; a value that is not a finite number is a scenario bug. */
function measureProgress(measure: ProgressMeasure, nodes: unknown, view: WorldView, progress: { best: number | null }): void {
  const value = measure.value(nodes, view);
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`the progress measure '${measure.name}' gave ${String(value)}, not a finite number`);
  if (progress.best === null || value > progress.best) progress.best = value;
}

/** After a step: the first thing wrong, in order of how basic it is. */
function stepOutcome(world: World, checker: InvariantChecker, budget: StepBudget): Outcome | undefined {
  // The guard and the budget remember what they stopped even if the model caught the error.
  const forbidden = currentGuardViolation();
  if (forbidden !== undefined) return { kind: 'nondeterminism', atMs: world.kernel.nowMs, ...forbidden };
  if (budget.exceeded !== undefined) return budget.exceeded;
  const undelivered = undeliveredXstateError();
  if (undelivered !== undefined) return undeliveredCrash(undelivered.error, budget.acting, world.kernel.nowMs);
  const err = world.modelError;
  if (err !== undefined) return { kind: 'model-crash', node: err.node, atMs: err.atMs, message: err.message };
  return checker.afterStep();
}

/**
 * An exception that escaped the loop: from a model outside xstate (a
 * workload step, a custom fault), from the scenario's `build` (then there
 * is no world yet), or from its invariants.
 */
function thrownOutcome(error: unknown, world: World | undefined, budget: StepBudget): Outcome {
  const atMs = world?.kernel.nowMs ?? 0;
  const forbidden = currentGuardViolation();
  if (forbidden !== undefined) return { kind: 'nondeterminism', atMs, ...forbidden };
  if (budget.exceeded !== undefined) return budget.exceeded;
  const undelivered = undeliveredXstateError();
  if (undelivered !== undefined) return undeliveredCrash(undelivered.error, budget.acting, atMs);
  const message = world === undefined ? `the scenario's build threw: ${errorMessage(error)}` : errorMessage(error);
  return { kind: 'model-crash', node: 'sim', atMs, message };
}

/** An error xstate could not hand to any observer (thrown by one, or by an `emit` handler): a model crash. */
function undeliveredCrash(error: unknown, node: string, atMs: number): Outcome {
  return { kind: 'model-crash', node, atMs, message: `an error no observer took (xstate would rethrow it on a timer): ${errorMessage(error)}` };
}

function summarize(
  scenarioId: string,
  variant: string,
  seed: number,
  outcome: Outcome,
  world: World | undefined,
  injector: Injector | undefined,
  checker: InvariantChecker | undefined,
  events: number,
  progress: number | null,
): RunResult {
  injector?.settle();
  const trace = world?.kernel.trace;
  const checkpoints = trace?.hashCheckpoints();
  // The trace tail is made when first read: a campaign's passing runs never
  // read it, and its texts (64 message descriptions) cost about 1 % of a
  // canary run. A getter in a literal is enumerable, so a structured clone
  // to another thread reads it like a field.
  let records: readonly TraceRecord[] | undefined;
  return {
    scenario: scenarioId,
    variant,
    seed,
    outcome,
    traceHash: trace?.hash ?? '',
    events,
    simulatedMs: world?.kernel.nowMs ?? 0,
    traceLength: trace?.length ?? 0,
    faultsFired: injector?.firedByKind() ?? {},
    firedFaults: injector?.fired ?? [],
    faultsEffective: injector?.effectiveByKind() ?? {},
    effectiveFaults: injector?.effective ?? [],
    coverage: {
      states: [...(world?.coverage.states ?? [])].sort(),
      transitions: [...(world?.coverage.transitions ?? [])].sort(),
      pairs: [...(world?.coverage.pairs ?? [])].sort(),
      stateFirstMs: Object.fromEntries(world?.coverage.stateFirstMs ?? []),
    },
    progress,
    sometimesReached: [...(checker?.reached ?? [])].sort(),
    get trace() {
      return (records ??= trace?.records() ?? []);
    },
    ...(checkpoints === undefined ? {} : { checkpoints }),
  };
}
