/**
 * Running one campaign from the command line: on the command's worker pool,
 * under a run budget or a time budget, with a progress line; every result
 * journaled as it arrives, and each new finding written (repro file, then
 * report) the moment it is found, so an interrupted command loses nothing.
 */
import { layoutOf, summarize, type CampaignSpec, type CampaignSummary } from '../explore/campaign.ts';
import { inLaneShard, laneShardSize } from '../explore/guided/layout.ts';
import type { SearchMode } from '../explore/search-mode.ts';
import type { CaseResult } from '../explore/explore-run.ts';
import type { WorkerPool } from '../explore/pool/pool.ts';
import { runCampaignOnPool } from '../explore/pool/run-campaign.ts';
import { inShard, shardSize, type Shard } from '../explore/shard.ts';
import { spaceKinds } from '../kernel/fault-space.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import { projectRelative } from '../load/discover.ts';
import type { LoadedScenario } from '../load/scenario-module.ts';
import { materializeOnPool } from './engine.ts';
import { Journal } from './journal.ts';
import { progressBar, type Position } from './progress.ts';
import { earlyFindings } from './early-findings.ts';
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

/** What a command's campaigns share. */
export interface CampaignContext {
  readonly pool: WorkerPool;
  /** The project root: repro files name scenario files relative to it. */
  readonly root: string;
  readonly out: string;
  /** Read back what an interrupted command journaled. */
  readonly resume: boolean;
}

export interface ExecuteOptions {
  readonly timeBudgetMs?: number;
  /** Only this slice of the runs; default all. */
  readonly shard?: Shard;
  readonly label: string;
  /** This campaign among the command's campaigns, for the progress line. */
  readonly position?: Position;
  /** Write each new finding as soon as it is found (not for shards: merge writes theirs). */
  readonly writeAsFound: boolean;
}

/** The banner: the campaign's seed and every parameter it chose. */
export function banner(scenario: AnyScenario, spec: CampaignSpec, workers: number, timeBudgetMs: number | undefined): string {
  const space = scenario.faultSpace;
  const budget = timeBudgetMs === undefined ? `runs=${spec.runs}` : `runs<=${spec.runs} time-budget=${timeBudgetMs}ms`;
  const parts = [
    `campaign ${scenario.id} variant=${spec.variant} seed=${spec.seed} ${budget} workers=${workers}`,
    space === undefined ? 'no fault space' : `kinds=${spaceKinds(space).join(',')} window=${space.windowMs[0]}..${space.windowMs[1]}ms max-faults=${space.maxFaults}`,
    `${searchText(spec)} swarm=on stop-on-failure=${spec.stopOnFailure} max-shrink-runs=${spec.maxShrinkRuns}`,
  ];
  return parts.join('\n  ');
}

/** `search=guided lanes=1 generation=8`, or `search=random`. */
function searchText(spec: CampaignSpec): string {
  const layout = layoutOf(spec);
  return layout === null ? 'search=random' : `search=guided lanes=${layout.lanes} generation=${layout.generationSize}`;
}

/** A campaign's result, with the journal it kept (removed once the whole command is done). */
export interface ExecutedCampaign extends CampaignRun {
  readonly journal: Journal;
}

export async function executeCampaign(context: CampaignContext, entry: LoadedScenario, spec: CampaignSpec, options: ExecuteOptions): Promise<ExecutedCampaign> {
  const { scenario } = entry;
  if (scenario.faultSpace === undefined) throw new Error(`scenario ${scenario.id} declares no fault space to explore`);
  const scenarioFile = projectRelative(context.root, entry.file);
  const journal = Journal.open(context.out, scenarioFile, spec, options.shard, context.resume);
  const stopwatch = startStopwatch();
  const layout = layoutOf(spec);
  // A guided shard owns whole lanes (see guided/layout.ts); a random one every N-th run.
  const owns = (index: number) => (layout === null ? inShard(index, options.shard) : inLaneShard(index, options.shard, layout));
  const owned = layout === null ? shardSize(spec.runs, options.shard) : laneShardSize(spec.runs, options.shard, layout);
  const progress = progressBar(options.label, owned, options.position ?? { index: 1, count: 1 });
  const cases: CaseResult[] = [...journal.done.values()];
  let failures = cases.filter((c) => c.repro !== undefined).length;
  progress.update(cases.length, failures);
  const materialize = materializeOnPool(context.pool, { file: entry.file, id: scenario.id }, scenario);
  const early = options.writeAsFound ? earlyFindings(materialize, spec, scenario, scenarioFile, context.out) : undefined;
  const onCase = (result: CaseResult): void => {
    journal.append(result);
    cases.push(result);
    if (result.repro !== undefined) failures++;
    progress.update(cases.length, failures);
    if (result.repro !== undefined) early?.found(cases);
  };
  const budgetMs = options.timeBudgetMs;
  const outOfTime = budgetMs === undefined ? undefined : () => stopwatch.elapsedMs() >= budgetMs;
  // A resumed campaign that had already stopped at a failure need not run past it.
  const firstFailure = spec.stopOnFailure ? Math.min(...cases.filter((c) => c.repro !== undefined).map((c) => c.index)) : Infinity;
  await runCampaignOnPool(context.pool, { file: entry.file, id: scenario.id }, scenario, spec, {
    include: (index) => owns(index) && index <= firstFailure,
    done: journal.done,
    outOfTime,
    onCase,
  });
  const summary = summarize(scenario, spec, cases);
  await early?.settle(summary);
  progress.finish();
  return { summary, cases, wallMs: stopwatch.elapsedMs(), journal };
}

/** A spec from the command line's choices. */
export function campaignSpec(scenario: AnyScenario, variant: string, seed: number, runs: number, stopOnFailure: boolean, search: { readonly search: SearchMode; readonly lanes: number | undefined }): CampaignSpec {
  return { scenario: scenario.id, variant, seed, runs, stopOnFailure, maxShrinkRuns: MAX_SHRINK_RUNS, search: search.search, ...(search.lanes === undefined ? {} : { lanes: search.lanes }) };
}
