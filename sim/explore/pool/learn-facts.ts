/**
 * A scenario's facts (node ids, goals; see sim/kernel/scenario-facts.ts)
 * learned in a worker, under the watchdog, and remembered in this thread:
 * a `build` that never returns stops a worker, not the command.
 */
import { recordedFacts, rememberFacts } from '../../kernel/scenario-facts-memo.ts';
import type { AnyScenario } from '../../kernel/scenario.ts';
import type { ScenarioFacts } from '../../kernel/scenario-facts.ts';
import type { WorkerPool } from './pool.ts';
import type { ScenarioRef } from './protocol.ts';

export async function learnFactsOnPool(pool: WorkerPool, ref: ScenarioRef, scenario: AnyScenario): Promise<void> {
  if (recordedFacts(scenario) !== undefined) return;
  const learned = await pool.run<ScenarioFacts>({ handler: 'facts', input: { scenario: ref } });
  rememberFacts(scenario, learned.status === 'done' ? learned.value : { nodeIds: {}, sometimesGoals: [], buildStopped: learned.detail });
}
