/**
 * Invariants: what must stay true, what must become true, what must happen.
 *
 * - `always`: a safety property, checked after every step of the run.
 * - `eventually`: a bounded liveness property. Faults are the safety phase;
 *   once the last fault of the plan has healed, the check must hold at some
 *   step within `withinMs` (TigerBeetle's liveness phase). A check that
 *   returns {@link violated} says why it is not there yet; the last such
 *   reason is what the report shows.
 * - `sometimes`: a reachability goal, counted across the runs of a campaign.
 *   A goal no run reached is a warning that the search was blind there (a
 *   fault that never fires is caught, not silently inert).
 *
 * A check reads the world through node handles and must not change it. It
 * may keep a history of its own (a Jepsen-style checker over the run so far,
 * say, to notice that ownership changed twice within a lease period): the
 * invariants are built afresh for every run, so nothing leaks between runs.
 */
import type { Json } from './faults.ts';

/** What a check may look at besides the node handles it closes over. */
export interface WorldView {
  /** True virtual time, in ms. */
  readonly nowMs: number;
  /**
   * Start of the liveness phase: when the plan's last fault heals (0 with no
   * faults; Infinity if a node stays down), or the scenario's `quietAfterMs` if later.
   */
  readonly lastHealMs: number;
}

/** A broken check, with the values that broke it (they appear in reports). */
export interface Violation {
  readonly violated: true;
  readonly detail: string;
  readonly values: Readonly<Record<string, Json>>;
}

/** What a check returns: `true` when it holds; `false` or a {@link Violation} when not. */
export type Check = boolean | Violation;

/** Says why a check does not hold, with the values a reviewer needs to see. */
export function violated(detail: string, values: Readonly<Record<string, Json>> = {}): Violation {
  return { violated: true, detail, values };
}

interface InvariantBase {
  /** Short identifier, such as `single-holder`. */
  readonly name: string;
  /** One sentence on why it matters: what breaks for a user when it does not hold. */
  readonly why: string;
  readonly check: (world: WorldView) => Check;
}

export interface AlwaysInvariant extends InvariantBase {
  readonly kind: 'always';
}
export interface EventuallyInvariant extends InvariantBase {
  readonly kind: 'eventually';
  /** How long after the last fault heals the check has to hold. */
  readonly withinMs: number;
}
export interface SometimesInvariant extends InvariantBase {
  readonly kind: 'sometimes';
}

export type Invariant = AlwaysInvariant | EventuallyInvariant | SometimesInvariant;

/** A safety property: `check` holds after every step. */
export function always(name: string, why: string, check: (world: WorldView) => Check): AlwaysInvariant {
  return { kind: 'always', name, why, check };
}

/** A bounded liveness property: `check` holds within `withinMs` of the last fault healing. */
export function eventually(name: string, why: string, withinMs: number, check: (world: WorldView) => Check): EventuallyInvariant {
  if (!(withinMs >= 0)) throw new RangeError(`eventually '${name}': withinMs must be >= 0`);
  return { kind: 'eventually', name, why, withinMs, check };
}

/** A reachability goal: `check` holds at some step of some run of a campaign. */
export function sometimes(name: string, why: string, check: (world: WorldView) => Check): SometimesInvariant {
  return { kind: 'sometimes', name, why, check };
}

/** Normalises a check's answer: `undefined` when it holds, the violation otherwise. */
export function evaluate(invariant: Invariant, world: WorldView): Violation | undefined {
  const result = invariant.check(world);
  if (result === true) return undefined;
  if (result === false) return violated(`${invariant.name} does not hold`);
  return result;
}
