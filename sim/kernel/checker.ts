/**
 * The invariant checker: evaluates a scenario's invariants as a run goes.
 *
 * `always` after every step; `sometimes` after every step until reached;
 * `eventually` after every step from the moment the last fault healed until
 * it holds once, and at its deadline (last heal + `withinMs`), where not
 * having held is a liveness violation; `eventuallyEach` after every step,
 * per subject, from the step its clock started (the run loop is asked to
 * wake at each subject's deadline, so a quiet world is judged on time).
 */
import {
  evaluate,
  holds,
  normalise,
  type AlwaysInvariant,
  type EventuallyEachInvariant,
  type EventuallyInvariant,
  type Invariant,
  type SometimesInvariant,
  type Violation,
  type WorldView,
} from './invariants.ts';
import type { LivenessViolation, SafetyViolation } from './outcome.ts';

interface LivenessGoal {
  readonly invariant: EventuallyInvariant;
  readonly deadlineMs: number;
  satisfied: boolean;
  /** The last reason the check gave for not holding yet. */
  pending: Violation | undefined;
}

/** One subject's clock for an `eventuallyEach`. */
interface SubjectClock {
  readonly startMs: number;
  satisfied: boolean;
}

interface EachGoal {
  readonly invariant: EventuallyEachInvariant;
  readonly clocks: Map<string, SubjectClock>;
}

export class InvariantChecker {
  private readonly always: AlwaysInvariant[];
  private readonly sometimesLeft: SometimesInvariant[];
  private readonly goals: LivenessGoal[];
  private readonly each: EachGoal[];
  /** Names of the `sometimes` goals reached so far. */
  readonly reached: string[] = [];

  /**
   * @param wake asked to run a step at a virtual time (a subject's deadline)
   */
  constructor(
    invariants: readonly Invariant[],
    private readonly view: WorldView,
    private readonly wake: (atMs: number) => void = () => {},
  ) {
    this.always = invariants.filter((inv): inv is AlwaysInvariant => inv.kind === 'always');
    this.sometimesLeft = invariants.filter((inv): inv is SometimesInvariant => inv.kind === 'sometimes');
    this.each = invariants.filter((inv): inv is EventuallyEachInvariant => inv.kind === 'eventually-each').map((invariant) => ({ invariant, clocks: new Map() }));
    this.goals = invariants
      .filter((inv): inv is EventuallyInvariant => inv.kind === 'eventually')
      // A node kept down forever heals never: no liveness claim can be checked.
      .filter(() => Number.isFinite(view.lastHealMs))
      .map((invariant) => ({ invariant, deadlineMs: view.lastHealMs + invariant.withinMs, satisfied: false, pending: undefined }));
  }

  /** The deadlines of the liveness goals, for the run loop to schedule. */
  deadlines(): { readonly deadlineMs: number; readonly name: string }[] {
    return this.goals.map((g) => ({ deadlineMs: g.deadlineMs, name: g.invariant.name }));
  }

  /** Checks after one step; returns the first broken safety property, or a subject's missed deadline. */
  afterStep(): SafetyViolation | LivenessViolation | undefined {
    const world: WorldView = this.view;
    // Goals first: a goal reached on the very step a safety property breaks
    // was reached (the step that downgrades a session both reaches "a
    // downgrade was attempted" and breaks "no silent downgrade").
    for (let i = this.sometimesLeft.length - 1; i >= 0; i--) {
      const goal = this.sometimesLeft[i]!;
      if (holds(goal, world)) {
        this.reached.push(goal.name);
        this.sometimesLeft.splice(i, 1);
      }
    }
    for (const invariant of this.always) {
      const violation = evaluate(invariant, world);
      if (violation !== undefined) {
        return { kind: 'safety-violation', invariant: invariant.name, atMs: world.nowMs, detail: violation.detail, values: violation.values };
      }
    }
    if (world.nowMs >= this.view.lastHealMs) {
      for (const goal of this.goals) {
        if (goal.satisfied) continue;
        goal.pending = evaluate(goal.invariant, world);
        goal.satisfied = goal.pending === undefined;
      }
    }
    for (const goal of this.each) {
      const missed = this.stepEach(goal, world);
      if (missed !== undefined) return missed;
    }
    return undefined;
  }

  /** Starts and stops the subjects' clocks, checks the running ones, and judges those at their deadline. */
  private stepEach(goal: EachGoal, world: WorldView): LivenessViolation | undefined {
    const { invariant, clocks } = goal;
    const listed = new Set(invariant.since(world));
    for (const subject of clocks.keys()) if (!listed.has(subject)) clocks.delete(subject);
    for (const subject of listed) {
      let clock = clocks.get(subject);
      if (clock === undefined) {
        clock = { startMs: world.nowMs, satisfied: false };
        clocks.set(subject, clock);
        this.wake(world.nowMs + invariant.withinMs);
      }
      if (clock.satisfied) continue;
      const pending = normalise(invariant.name, invariant.check(subject, world));
      if (pending === undefined) {
        clock.satisfied = true;
        continue;
      }
      if (world.nowMs < clock.startMs + invariant.withinMs) continue;
      return {
        kind: 'liveness-violation',
        invariant: invariant.name,
        atMs: world.nowMs,
        detail: `${subject}: not true within ${invariant.withinMs}ms of t=${clock.startMs}ms, when its clock started: ${pending.detail}`,
        values: { subject, sinceMs: clock.startMs, ...pending.values },
      };
    }
    return undefined;
  }

  /**
   * At a goal's deadline: a last look, then a violation if it never held.
   * @param quiet no other work was left in the queue: nothing could have changed
   */
  atDeadline(name: string, quiet: boolean): LivenessViolation | undefined {
    const goal = this.goals.find((g) => g.invariant.name === name);
    if (goal === undefined || goal.satisfied) return undefined;
    goal.pending = evaluate(goal.invariant, this.view);
    if (goal.pending === undefined) {
      goal.satisfied = true;
      return undefined;
    }
    const why = goal.pending.detail;
    const stuck = quiet ? '; no events were left to run: every actor waits forever' : '';
    return {
      kind: 'liveness-violation',
      invariant: name,
      atMs: this.view.nowMs,
      detail: `not true within ${goal.invariant.withinMs}ms of the last fault healing: ${why}${stuck}`,
      values: goal.pending.values,
    };
  }
}
