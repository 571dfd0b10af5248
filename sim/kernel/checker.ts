/**
 * The invariant checker: evaluates a scenario's invariants as a run goes.
 *
 * `always` after every step; `sometimes` after every step until reached;
 * `eventually` after every step from the moment the last fault healed until
 * it holds once, and at its deadline (last heal + `withinMs`), where not
 * having held is a liveness violation.
 */
import { evaluate, type EventuallyInvariant, type Invariant, type Violation, type WorldView } from './invariants.ts';
import type { LivenessViolation, SafetyViolation } from './outcome.ts';

interface LivenessGoal {
  readonly invariant: EventuallyInvariant;
  readonly deadlineMs: number;
  satisfied: boolean;
  /** The last reason the check gave for not holding yet. */
  pending: Violation | undefined;
}

export class InvariantChecker {
  private readonly always: Invariant[];
  private readonly sometimesLeft: Invariant[];
  private readonly goals: LivenessGoal[];
  /** Names of the `sometimes` goals reached so far. */
  readonly reached: string[] = [];

  constructor(
    invariants: readonly Invariant[],
    private readonly view: { nowMs: number; readonly lastHealMs: number },
  ) {
    this.always = invariants.filter((inv) => inv.kind === 'always');
    this.sometimesLeft = invariants.filter((inv) => inv.kind === 'sometimes');
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

  /** Checks after one step; returns the first broken safety property. */
  afterStep(): SafetyViolation | undefined {
    const world: WorldView = this.view;
    // Goals first: a goal reached on the very step a safety property breaks
    // was reached (the step that downgrades a session both reaches "a
    // downgrade was attempted" and breaks "no silent downgrade").
    for (let i = this.sometimesLeft.length - 1; i >= 0; i--) {
      const goal = this.sometimesLeft[i]!;
      if (evaluate(goal, world) === undefined) {
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
