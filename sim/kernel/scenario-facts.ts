/**
 * What a scenario's `build` says about it, learned once and kept: the node
 * ids of each variant (plan files are checked against them) and the names
 * of its `sometimes` goals (a campaign's summary warns of the unreached).
 *
 * Learning them runs `build`, which is the scenario author's code: the
 * command line has a worker learn them under the watchdog and tells this
 * memo, so its own thread never runs a `build` that might not return. A
 * caller with no worker (a test, the vitest helper in process) learns them
 * here, in its own thread.
 */
import { declaredInvariants } from './declared-invariants.ts';
import { scenarioNodeIds } from './plan-file.ts';
import type { AnyScenario } from './scenario.ts';
import { recordedFacts, rememberFacts, type ScenarioFacts } from './scenario-facts-memo.ts';

export { rememberFacts, type ScenarioFacts } from './scenario-facts-memo.ts';

/** The facts recorded for `scenario`, or learned now in this thread. */
export function factsOf(scenario: AnyScenario): ScenarioFacts {
  let facts = recordedFacts(scenario);
  if (facts === undefined) {
    facts = learnFacts(scenario);
    rememberFacts(scenario, facts);
  }
  return facts;
}

/** Runs `build` (and `invariants`) for each variant: the work a worker does for {@link rememberFacts}. */
export function learnFacts(scenario: AnyScenario): ScenarioFacts {
  const nodeIds: Record<string, readonly string[]> = {};
  for (const variant of Object.keys(scenario.variants)) {
    try {
      nodeIds[variant] = scenarioNodeIds(scenario, variant);
    } catch {
      // A build that throws: plans are refused for it when they are checked.
    }
  }
  const sometimesGoals = declaredInvariants(scenario)
    .filter((inv) => inv.kind === 'sometimes')
    .map((inv) => inv.name);
  return { nodeIds, sometimesGoals };
}
