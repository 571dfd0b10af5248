/**
 * A scenario's world built but not run: how plan parsing learns its node
 * ids and a campaign its declared invariants. `build` runs as it does at
 * the start of a run, under the determinism guard and the step budget, so it
 * sees the same world and cannot hang the tool by starting an actor that
 * loops.
 */
import type { BugFlags, AnyScenario } from './scenario.ts';
import { withDeterminismGuard } from './guard.ts';
import { DEFAULT_MAX_MICROSTEPS_PER_EVENT, DEFAULT_MAX_PENDING_EVENTS, StepBudget, withStepBudget } from './step-budget.ts';
import { World } from './world.ts';

/**
 * Builds `scenario`'s world with `flags`, at virtual time 0.
 * @throws whatever `build` threw (a forbidden call there included)
 */
export function buildOnly(scenario: AnyScenario, flags: BugFlags): World {
  const budget = new StepBudget(DEFAULT_MAX_MICROSTEPS_PER_EVENT, DEFAULT_MAX_PENDING_EVENTS, () => 0);
  return withDeterminismGuard(
    () => 0,
    () => withStepBudget(budget, () => new World(scenario, flags, 0, 'hash')),
  ).result;
}
