/**
 * The memo of scenario facts (see scenario-facts.ts), apart so that plan
 * checking can read it without importing what learns them.
 */
import type { AnyScenario } from './scenario.ts';

export interface ScenarioFacts {
  /** Node ids by variant. */
  readonly nodeIds: Readonly<Record<string, readonly string[]>>;
  readonly sometimesGoals: readonly string[];
  /** Set when `build` did not finish where it was learned (the watchdog stopped it): why. */
  readonly buildStopped?: string;
}

const known = new WeakMap<object, ScenarioFacts>();

/** Records facts a worker learned. */
export function rememberFacts(scenario: AnyScenario, facts: ScenarioFacts): void {
  known.set(scenario, facts);
}

/** The facts recorded for `scenario`, if any. */
export function recordedFacts(scenario: AnyScenario): ScenarioFacts | undefined {
  return known.get(scenario);
}
