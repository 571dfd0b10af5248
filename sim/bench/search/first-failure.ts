/**
 * One campaign of the search benchmark: runs 0, 1, 2... of a scenario's
 * buggy variant, chosen as the campaign engine chooses them (random: each
 * run draws its plan; guided: the planner, as runCases and the pool use
 * it), until the first failing run or the budget. Failures are not shrunk:
 * shrinking is the same work for either search, and the benchmark times the
 * search alone.
 *
 * Part of a benchmark: the wall clock here times whole runs from outside
 * them (a run never reads it; the guard would refuse it inside one).
 */
import { performance } from 'node:perf_hooks';
import { plannerFor, type CampaignSpec } from '../../explore/campaign.ts';
import { exploreRun } from '../../explore/explore-run.ts';
import type { SearchMode } from '../../explore/search-mode.ts';
import type { AnyScenario } from '../../kernel/scenario.ts';

export interface FirstFailure {
  /** 1-based number of the first failing run, or null within the budget. */
  readonly runs: number | null;
  /** Wall time to it (or to the end of the budget), planning included. */
  readonly wallMs: number;
  /** Of which: making plans and folding results on the main thread (guided search's own overhead). */
  readonly planningMs: number;
}

export function firstFailure(scenario: AnyScenario, variant: string, search: SearchMode, seed: number, budget: number): FirstFailure {
  const spec: CampaignSpec = { scenario: scenario.id, variant, seed, runs: budget, stopOnFailure: true, maxShrinkRuns: 0, search };
  const start = performance.now();
  let planningMs = 0;
  const planner = plannerFor(scenario, spec);
  for (let index = 0; index < budget; index++) {
    const planStart = performance.now();
    const given = planner?.given(index);
    planningMs += performance.now() - planStart;
    const result = exploreRun(scenario, variant, seed, index, { maxShrinkRuns: 0, shrink: false }, given);
    const foldStart = performance.now();
    planner?.observe(result);
    planningMs += performance.now() - foldStart;
    if (result.repro !== undefined) return { runs: index + 1, wallMs: performance.now() - start, planningMs };
  }
  return { runs: null, wallMs: performance.now() - start, planningMs };
}
