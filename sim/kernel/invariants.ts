/**
 * Invariants: what must stay true, what must become true, what must happen.
 *
 * - `always`: a safety property, checked after every step of the run.
 * - `eventually`: a bounded liveness property. Faults are the safety phase;
 *   once the last fault of the plan has healed, the check must hold at some
 *   step within `withinMs` (TigerBeetle's liveness phase). A check that
 *   returns {@link violated} says why it is not there yet; the last such
 *   reason is what the report shows.
 * - `eventuallyEach`: bounded liveness with a clock per subject: for each
 *   subject (a broker, a member) the check must hold within `withinMs` of the
 *   moment the subject's condition became true ("within 10 s of this broker
 *   being up and reachable"), whatever the rest of the plan does.
 * - `sometimes`: a reachability goal, counted across the runs of a campaign.
 *   A goal no run reached is a warning that the search was blind there (a
 *   fault that never fires is caught, not silently inert).
 *
 * A check reads the world through node handles and must not change it. It
 * may keep a history of its own (a Jepsen-style checker over the run so far,
 * say, to notice that ownership changed twice within a lease period): the
 * invariants are built afresh for every run, so nothing leaks between runs.
 */
import type { Fault, Json, NodeId } from './faults.ts';
import type { NodeStatus } from './node.ts';

/**
 * What a check may look at besides the node handles it closes over: what
 * the explorer did and what is true now.
 */
export interface WorldView {
  /** True virtual time, in ms. */
  readonly nowMs: number;
  /**
   * Start of the liveness phase: when the plan's last fault heals (0 with no
   * faults; Infinity if a node stays down), or the scenario's `quietAfterMs` if later.
   */
  readonly lastHealMs: number;
  /** Whether the node (by id) runs, is down, or is paused. */
  status(node: NodeId): NodeStatus;
  /**
   * Whether a partition in force cuts messages from `from` to `to` (one that
   * cuts only some messages, by type or size, does not count).
   */
  isCut(from: NodeId, to: NodeId): boolean;
  /**
   * The plan's faults in force now, in plan order: windows not yet healed,
   * crashes not yet restarted, pauses not yet over, request faults not yet spent.
   */
  readonly activeFaults: readonly Fault[];
}

/** A broken check, with the values that broke it (they appear in reports). */
export interface Violation {
  readonly violated: true;
  readonly detail: string;
  readonly values: Readonly<Record<string, Json>>;
}

/** What a check returns: `true` when it holds; `false` or a {@link Violation} when not. */
export type Check = boolean | Violation;

/**
 * Says why a check does not hold, with the values a reviewer needs to see.
 *
 * `detail` may be a function that makes the text: it is called only if the
 * testbed reports this violation, in the step the check ran. Use it for an
 * explanation that costs something to build in a check the testbed asks
 * after every step while it does not hold yet (an `eventually` or a
 * `sometimes`), whose answers are mostly read as a plain no.
 */
export function violated(detail: string | (() => string), values: Readonly<Record<string, Json>> = {}): Violation {
  return typeof detail === 'string' ? { violated: true, detail, values } : new ExplainedLater(detail, values);
}

/** A violation whose text is made the first time it is read (a class, so its getter is not made per object). */
class ExplainedLater implements Violation {
  readonly violated = true;
  private text: string | undefined;

  constructor(
    private readonly explain: () => string,
    readonly values: Readonly<Record<string, Json>>,
  ) {}

  get detail(): string {
    return (this.text ??= String(this.explain()));
  }
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

/** See {@link eventuallyEach}. */
export interface EventuallyEachInvariant {
  readonly kind: 'eventually-each';
  readonly name: string;
  readonly why: string;
  readonly withinMs: number;
  /** The subjects whose condition is true now; a subject's clock runs from the step it joins this list. */
  readonly since: (world: WorldView) => readonly string[];
  readonly check: (subject: string, world: WorldView) => Check;
}

export type Invariant = AlwaysInvariant | EventuallyInvariant | EventuallyEachInvariant | SometimesInvariant;

/** A safety property: `check` holds after every step. */
export function always(name: string, why: string, check: (world: WorldView) => Check): AlwaysInvariant {
  return { kind: 'always', name, why, check };
}

/** A bounded liveness property: `check` holds within `withinMs` of the last fault healing. */
export function eventually(name: string, why: string, withinMs: number, check: (world: WorldView) => Check): EventuallyInvariant {
  if (!(withinMs >= 0)) throw new RangeError(`eventually '${name}': withinMs must be >= 0`);
  return { kind: 'eventually', name, why, withinMs, check };
}

/**
 * Bounded liveness with a clock per subject. `since` lists, at each step, the
 * subjects whose precondition holds now (the brokers that are up and
 * reachable, say). A subject's clock starts at the first step it is listed
 * and stops when it leaves the list; while it runs, `check(subject)` must
 * hold at some step within `withinMs`, or the run fails. Once it held, the
 * subject is satisfied until it leaves the list and comes back. A clock
 * whose deadline falls after the run's end is not judged.
 *
 * ```ts
 * eventuallyEach('broker-serves', 'A live broker nobody can use is an outage.', 10_000, {
 *   since: (w) => brokers.filter((b) => w.status(b.id) === 'up' && !w.isCut('client', b.id)).map((b) => b.id),
 *   check: (id) => serving(id) || violated(`${id} is up and reachable but not serving`),
 * })
 * ```
 */
export function eventuallyEach(
  name: string,
  why: string,
  withinMs: number,
  spec: { readonly since: (world: WorldView) => readonly string[]; readonly check: (subject: string, world: WorldView) => Check },
): EventuallyEachInvariant {
  if (!(withinMs >= 0)) throw new RangeError(`eventuallyEach '${name}': withinMs must be >= 0`);
  return { kind: 'eventually-each', name, why, withinMs, since: spec.since, check: spec.check };
}

/** A reachability goal: `check` holds at some step of some run of a campaign. */
export function sometimes(name: string, why: string, check: (world: WorldView) => Check): SometimesInvariant {
  return { kind: 'sometimes', name, why, check };
}

/** Normalises a check's answer: `undefined` when it holds, the violation otherwise. */
export function evaluate(invariant: AlwaysInvariant | EventuallyInvariant | SometimesInvariant, world: WorldView): Violation | undefined {
  return normalise(invariant.name, invariant.check(world));
}

/**
 * Whether a check holds, for a caller that needs no reason when it does not
 * (a `sometimes` goal is asked after every step until reached: making its
 * "does not hold" violation each time cost a string and an object a step).
 */
export function holds(invariant: SometimesInvariant, world: WorldView): boolean {
  const result = invariant.check(world);
  // A check may also answer undefined (the same as true for normalise).
  return result === true || result === undefined;
}

/** `undefined` for a check that holds, the violation otherwise. */
export function normalise(name: string, result: Check): Violation | undefined {
  if (result === true) return undefined;
  if (result === false) return violated(`${name} does not hold`);
  return result;
}
