/**
 * How a run ended. Each kind maps to a typed exit code of the command line,
 * so CI can tell a bug in the system under test from a bug in a model or in
 * the testbed itself.
 */
import type { Json } from './faults.ts';

export interface PassOutcome {
  readonly kind: 'pass';
}

/** An `always` invariant broke. */
export interface SafetyViolation {
  readonly kind: 'safety-violation';
  readonly invariant: string;
  readonly atMs: number;
  readonly detail: string;
  readonly values: Readonly<Record<string, Json>>;
}

/** An `eventually` invariant did not hold by its deadline, or nothing was left to run. */
export interface LivenessViolation {
  readonly kind: 'liveness-violation';
  readonly invariant: string;
  /** The deadline that passed (or the instant the run went quiet). */
  readonly atMs: number;
  readonly detail: string;
  readonly values: Readonly<Record<string, Json>>;
}

/** A model threw: a bug in the model, not in the modelled system. */
export interface ModelCrash {
  readonly kind: 'model-crash';
  readonly node: string;
  readonly atMs: number;
  readonly message: string;
}

/**
 * The run hit a budget of the kernel: too many events in all (`events`), too
 * many at one virtual instant (`livelock`), too many xstate microsteps inside
 * one event (`microsteps`: a raise or eventless loop that never returns), or
 * too many events pending at once (`pending-events`: a timer explosion).
 */
export interface BudgetExceeded {
  readonly kind: 'budget-exceeded';
  readonly reason: 'events' | 'livelock' | 'microsteps' | 'pending-events';
  readonly atMs: number;
  readonly detail: string;
}

/**
 * The run exceeded its wall-clock budget and was stopped from outside its
 * thread: a model that never returns from a step (a busy loop in an
 * action). Made by the watchdog, never by the run itself.
 */
export interface ModelHang {
  readonly kind: 'model-hang';
  /** The last virtual instant the run was seen to reach (0 if none was reported). */
  readonly atMs: number;
  /** The wall-clock budget it exceeded, in ms. */
  readonly budgetMs: number;
  readonly detail: string;
}

/**
 * The run exceeded its memory budget and was stopped from outside its
 * thread (a model that keeps a megabyte per event). Made by the watchdog.
 */
export interface ResourceExhausted {
  readonly kind: 'resource-exhausted';
  readonly resource: 'memory';
  /** The last virtual instant the run was seen to reach (0 if none was reported). */
  readonly atMs: number;
  /** The budget it exceeded, in MB. */
  readonly limitMb: number;
  readonly detail: string;
}

/** Something read the wall clock or unseeded randomness, or two runs of one seed differed. */
export interface Nondeterminism {
  readonly kind: 'nondeterminism';
  readonly atMs: number;
  readonly api: string;
  readonly callSite: string;
}

export type Outcome = PassOutcome | SafetyViolation | LivenessViolation | ModelCrash | BudgetExceeded | Nondeterminism | ModelHang | ResourceExhausted;

export type OutcomeKind = Outcome['kind'];

/** True for the outcomes that mean the system under test broke an invariant. */
export function isViolation(outcome: Outcome): outcome is SafetyViolation | LivenessViolation {
  return outcome.kind === 'safety-violation' || outcome.kind === 'liveness-violation';
}

/** One line for a terminal: what happened, where, when. */
export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'pass':
      return 'pass: every invariant held';
    case 'safety-violation':
      return `safety violation at ${outcome.atMs}ms: ${outcome.invariant}: ${outcome.detail}`;
    case 'liveness-violation':
      return `liveness violation at ${outcome.atMs}ms: ${outcome.invariant}: ${outcome.detail}`;
    case 'model-crash':
      return `model crash on ${outcome.node} at ${outcome.atMs}ms: ${outcome.message}`;
    case 'budget-exceeded':
      return `budget exceeded (${outcome.reason}) at ${outcome.atMs}ms: ${outcome.detail}`;
    case 'nondeterminism':
      return `nondeterminism at ${outcome.atMs}ms: ${outcome.api} called at ${outcome.callSite}`;
    case 'model-hang':
      return `model hang at ${outcome.atMs}ms: the run exceeded its wall-clock budget of ${outcome.budgetMs}ms: ${outcome.detail}`;
    case 'resource-exhausted':
      return `resource exhausted at ${outcome.atMs}ms: the run exceeded its ${outcome.resource} budget of ${outcome.limitMb}MB: ${outcome.detail}`;
  }
}
