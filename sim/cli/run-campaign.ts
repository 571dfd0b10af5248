/**
 * Running a campaign from the command line: serially or on workers, under a
 * run budget or a time budget, with a progress line.
 */
import { spaceKinds } from '../kernel/fault-space.ts';
import { summarize, runCases, type CampaignSpec, type CampaignSummary } from '../explore/campaign.ts';
import type { CaseResult } from '../explore/explore-run.ts';
import { runCasesInWorkers } from '../explore/worker-pool.ts';
import { ownsRun, type Shard } from '../explore/worker-protocol.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import type { LoadedScenario } from '../load/scenario-module.ts';
import { progressBar, type Position } from './progress.ts';
import { startStopwatch } from './wall-clock.ts';

/**
 * Work spent shrinking one failure at most. A canary failure shrinks in about
 * 130 runs; 500 leaves room for plans of many faults without letting one
 * stubborn failure eat a campaign.
 */
export const MAX_SHRINK_RUNS = 500;

export interface CampaignRun {
  readonly summary: CampaignSummary;
  readonly cases: readonly CaseResult[];
  readonly wallMs: number;
}

export interface ExecuteOptions {
  readonly workers: number;
  readonly timeBudgetMs?: number;
  /** Only this slice of the runs; default all. */
  readonly shard?: Shard;
  readonly label: string;
  /** This campaign among the command's campaigns, for the progress line. */
  readonly position?: Position;
}

/** The banner: the campaign's seed and every parameter it chose. */
export function banner(scenario: AnyScenario, spec: CampaignSpec, options: ExecuteOptions): string {
  const space = scenario.faultSpace;
  const budget = options.timeBudgetMs === undefined ? `runs=${spec.runs}` : `runs<=${spec.runs} time-budget=${options.timeBudgetMs}ms`;
  const parts = [
    `campaign ${scenario.id} variant=${spec.variant} seed=${spec.seed} ${budget} workers=${options.workers}`,
    space === undefined ? 'no fault space' : `kinds=${spaceKinds(space).join(',')} window=${space.windowMs[0]}..${space.windowMs[1]}ms max-faults=${space.maxFaults}`,
    `swarm=on stop-on-failure=${spec.stopOnFailure} max-shrink-runs=${spec.maxShrinkRuns}`,
  ];
  return parts.join('\n  ');
}

export async function executeCampaign(entry: LoadedScenario, spec: CampaignSpec, options: ExecuteOptions): Promise<CampaignRun> {
  const { scenario } = entry;
  if (scenario.faultSpace === undefined) throw new Error(`scenario ${scenario.id} declares no fault space to explore`);
  const stopwatch = startStopwatch();
  const progress = progressBar(options.label, spec.runs, options.position ?? { index: 1, count: 1 });
  let done = 0;
  let failures = 0;
  const onCase = (result: CaseResult): void => {
    done++;
    if (result.repro !== undefined) failures++;
    progress.update(done, failures);
  };
  const budgetMs = options.timeBudgetMs;
  const outOfTime = budgetMs === undefined ? undefined : () => stopwatch.elapsedMs() >= budgetMs;
  const cases =
    options.workers > 1
      ? await runCasesInWorkers(scenario, spec, options.workers, { onCase, shard: options.shard, outOfTime, scenarioFile: entry.file })
      : runCases(scenario, spec, { include: options.shard === undefined ? undefined : (i) => ownsRun(i, 0, 1, options.shard), shouldStop: outOfTime, onCase });
  progress.finish();
  return { summary: summarize(scenario, spec, cases), cases, wallMs: stopwatch.elapsedMs() };
}

/** A spec from the command line's choices. */
export function campaignSpec(scenario: AnyScenario, variant: string, seed: number, runs: number, stopOnFailure: boolean): CampaignSpec {
  return { scenario: scenario.id, variant, seed, runs, stopOnFailure, maxShrinkRuns: MAX_SHRINK_RUNS };
}
