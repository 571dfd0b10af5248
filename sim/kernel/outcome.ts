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

/** The run hit a budget: too many events in all, or too many at one instant (a livelock). */
export interface BudgetExceeded {
  readonly kind: 'budget-exceeded';
  readonly reason: 'events' | 'livelock';
  readonly atMs: number;
  readonly detail: string;
}

/** Something read the wall clock or unseeded randomness, or two runs of one seed differed. */
export interface Nondeterminism {
  readonly kind: 'nondeterminism';
  readonly atMs: number;
  readonly api: string;
  readonly callSite: string;
}

/** A run took more than its wall-clock budget: a model never returned (a busy loop in an action). The watchdog stopped it. */
export interface ModelHang {
  readonly kind: 'model-hang';
  /** Virtual time of the last event before the hang. */
  readonly atMs: number;
  readonly detail: string;
}

/** A run passed its memory budget. The watchdog stopped it. */
export interface ResourceExhausted {
  readonly kind: 'resource-exhausted';
  readonly resource: 'memory';
  readonly atMs: number;
  readonly detail: string;
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
      return `model hang after ${outcome.atMs}ms: ${outcome.detail}`;
    case 'resource-exhausted':
      return `${outcome.resource} exhausted after ${outcome.atMs}ms: ${outcome.detail}`;
  }
}
