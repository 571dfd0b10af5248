/**
 * Running a campaign from the command line: serially or on workers, under a
 * run budget or a time budget, with a progress bar; then writing a repro
 * file for each finding.
 */
import { join } from 'node:path';
import { spaceKinds } from '../fault-space.ts';
import { summarize, runCases, type CampaignSpec, type CampaignSummary } from '../explore/campaign.ts';
import type { CaseResult } from '../explore/explore-run.ts';
import { runCasesInWorkers } from '../explore/worker-pool.ts';
import { recordRepro, reproFileName } from '../repro/repro-file.ts';
import type { AnyScenario } from '../scenario.ts';
import { writeFileAtomic } from './files.ts';
import { stableStringify } from './json.ts';
import { progressBar } from './progress.ts';
import { afterWallTime, startStopwatch } from './wall-clock.ts';

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
  /** Only these runs (a shard); default all. */
  readonly include?: (index: number) => boolean;
  readonly label: string;
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
  return parts.join(' ');
}

export async function executeCampaign(scenario: AnyScenario, spec: CampaignSpec, options: ExecuteOptions): Promise<CampaignRun> {
  if (scenario.faultSpace === undefined) throw new Error(`scenario ${scenario.id} declares no fault space to explore`);
  const stopwatch = startStopwatch();
  const progress = progressBar(options.label, spec.runs, stopwatch);
  let done = 0;
  let failures = 0;
  const onCase = (result: CaseResult): void => {
    done++;
    if (result.repro !== undefined) failures++;
    progress.update(done, failures);
  };
  let cases: CaseResult[];
  if (options.workers > 1) {
    const pool = runCasesInWorkers(spec, options.workers, { onCase });
    const cancel = options.timeBudgetMs === undefined ? () => {} : afterWallTime(options.timeBudgetMs, () => pool.stop());
    try {
      cases = await pool.done;
    } finally {
      cancel();
    }
    if (options.include !== undefined) cases = cases.filter((c) => options.include!(c.index));
  } else {
    const budgetMs = options.timeBudgetMs;
    cases = runCases(scenario, spec, {
      include: options.include,
      shouldStop: budgetMs === undefined ? undefined : () => stopwatch.elapsedMs() >= budgetMs,
      onCase,
    });
  }
  progress.finish();
  return { summary: summarize(scenario, spec, cases), cases, wallMs: stopwatch.elapsedMs() };
}

/** Writes one repro file per finding; returns their paths, first finding first. */
export function writeFindings(scenario: AnyScenario, summary: CampaignSummary, outDir: string): string[] {
  return summary.findings.map((finding) => {
    const repro = recordRepro(scenario, summary.variant, finding.seed, finding.repro.plan, {
      fingerprint: finding.fingerprint,
      fingerprintId: finding.fingerprintId,
      oneMinimal: finding.repro.oneMinimal,
      campaignSeed: summary.seed,
      run: finding.firstRun,
    });
    const path = join(outDir, 'repros', reproFileName(scenario.id, summary.variant, finding.fingerprintId));
    writeFileAtomic(path, stableStringify(repro) + '\n');
    return path;
  });
}

/** A spec from the command line's choices. */
export function campaignSpec(scenario: AnyScenario, variant: string, seed: number, runs: number, stopOnFailure: boolean): CampaignSpec {
  return { scenario: scenario.id, variant, seed, runs, stopOnFailure, maxShrinkRuns: MAX_SHRINK_RUNS };
}
