/**
 * Shrinking a failing plan that did not come from an arbitrary (a plan a
 * guided search mutated, or one fast-check already shrank): the seam that
 * every search uses to reach a 1-minimal plan.
 *
 * Today: the removal pass. Drop single faults while the run still fails the
 * same way, until no single removal keeps the failure; the plan is then
 * 1-minimal (removing any one fault makes the run pass, or fail otherwise).
 */
import type { FaultPlan } from '../kernel/faults.ts';

export interface ShrinkBudget {
  /** Runs this may spend at most; past it, the smallest plan found is returned, not confirmed 1-minimal. */
  readonly maxRuns: number;
}

export interface ShrunkPlan {
  readonly plan: FaultPlan;
  /** Removing any one fault of `plan` makes it stop failing the same way (confirmed within the budget). */
  readonly oneMinimal: boolean;
  /** Runs spent. */
  readonly runs: number;
}

/**
 * @param failsSameWay runs a candidate plan and says whether it fails as the original did
 */
export function shrinkPlan(start: FaultPlan, failsSameWay: (plan: FaultPlan) => boolean, budget: ShrinkBudget): ShrunkPlan {
  let plan = start;
  let runs = 0;
  for (let removed = true; removed; ) {
    removed = false;
    for (let i = 0; i < plan.faults.length; i++) {
      if (runs >= budget.maxRuns) return { plan, oneMinimal: false, runs };
      const candidate = { faults: plan.faults.filter((_, j) => j !== i) };
      runs++;
      if (failsSameWay(candidate)) {
        plan = candidate;
        removed = true;
        break;
      }
    }
  }
  return { plan, oneMinimal: true, runs };
}
