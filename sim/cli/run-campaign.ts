/**
 * Running a campaign from the command line: serially or on workers, under a
 * run budget or a time budget, with a progress bar; then writing a repro
 * file for each finding.
 */
import { join } from 'node:path';
import { spaceKinds } from '../kernel/fault-space.ts';
import { summarize, runCases, type CampaignSpec, type CampaignSummary } from '../explore/campaign.ts';
import type { CaseResult } from '../explore/explore-run.ts';
import { runCasesInWorkers } from '../explore/worker-pool.ts';
import { ownsRun, type Shard } from '../explore/worker-protocol.ts';
import { seriesFor } from '../../reports/series.ts';
import { buildReport } from '../../reports/build-report.ts';
import { renderHtml } from '../../reports/html.ts';
import { renderIndexHtml, renderIndexMarkdown, type IndexCampaign, type IndexFinding } from '../../reports/index-page.ts';
import { renderJson } from '../../reports/json.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { declaredInvariants } from '../kernel/declared-invariants.ts';
import { reproFileName, reproFromRun, runForRepro } from '../repro/repro-file.ts';
import { run } from '../kernel/run.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import { writeFileAtomic } from './files.ts';
import { stableStringify } from '../kernel/stable-json.ts';
import { progressBar } from './progress.ts';
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
  const budgetMs = options.timeBudgetMs;
  const outOfTime = budgetMs === undefined ? undefined : () => stopwatch.elapsedMs() >= budgetMs;
  const cases =
    options.workers > 1
      ? await runCasesInWorkers(scenario, spec, options.workers, { onCase, shard: options.shard, outOfTime })
      : runCases(scenario, spec, { include: options.shard === undefined ? undefined : (i) => ownsRun(i, 0, 1, options.shard), shouldStop: outOfTime, onCase });
  progress.finish();
  return { summary: summarize(scenario, spec, cases), cases, wallMs: stopwatch.elapsedMs() };
}

/** What writing a campaign's findings produced. */
export interface WrittenFindings {
  /** Repro files, first finding first. */
  readonly repros: readonly string[];
  /** Report folders (report.md, report.html, report.json), first finding first. */
  readonly reports: readonly string[];
  /** The campaign's line in the index. */
  readonly index: IndexCampaign;
}

/**
 * Writes, for each finding, a repro file and a report in three formats. The
 * minimal plan is run once more with a full trace (the repro's checkpoints
 * and the report's narrative both come from it), and once on the fixed
 * variant for the report's comparison.
 */
export function writeFindings(
  scenario: AnyScenario,
  summary: CampaignSummary,
  outDir: string,
  expected: IndexCampaign['expected'] = null,
  result = summary.found ? 'found' : 'held',
): WrittenFindings {
  const repros: string[] = [];
  const reports: string[] = [];
  const findings: IndexFinding[] = [];
  const invariants = declaredInvariants(scenario, summary.variant);
  for (const finding of summary.findings) {
    const { plan } = finding.repro;
    const minimal = runForRepro(scenario, summary.variant, finding.seed, plan);
    const repro = reproFromRun(scenario, summary.variant, finding.seed, plan, minimal, {
      fingerprint: finding.fingerprint,
      fingerprintId: finding.fingerprintId,
      oneMinimal: finding.repro.oneMinimal,
      campaignSeed: summary.seed,
      run: finding.firstRun,
    });
    const name = reproFileName(scenario.id, summary.variant, finding.fingerprintId);
    const reproPath = join(outDir, 'repros', name);
    writeFileAtomic(reproPath, stableStringify(repro) + '\n');
    repros.push(reproPath);

    const broken = 'invariant' in minimal.outcome ? minimal.outcome.invariant : '';
    const data = buildReport({
      scenario,
      variant: summary.variant,
      seed: finding.seed,
      plan,
      oneMinimal: finding.repro.oneMinimal,
      fingerprint: { id: finding.fingerprintId, text: finding.fingerprint, count: finding.count },
      run: minimal,
      invariantWhy: invariants.find((inv) => inv.name === broken)?.why ?? '',
      replayCommand: `npm run sim -- --replay ${reproPath}`,
      fixed: summary.variant === 'fixed' ? null : { variant: 'fixed', outcome: run(scenario, 'fixed', finding.seed, plan).outcome },
      series: seriesFor(scenario, summary.variant, finding.seed, plan),
      campaign: {
        seed: summary.seed,
        runs: summary.runs,
        runsToFirstFailure: summary.runsToFirstFailure,
        simulatedMs: summary.simulatedMs,
        faultsFired: summary.faultsFired,
        statesReached: summary.coverage.states.length,
        transitionsReached: summary.coverage.transitions.length,
        warnings: summary.warnings,
      },
    });
    const dirName = name.replace(/\.repro\.json$/, '');
    const reportDir = join(outDir, 'findings', dirName);
    writeFileAtomic(join(reportDir, 'report.md'), renderMarkdown(data));
    writeFileAtomic(join(reportDir, 'report.html'), renderHtml(data));
    writeFileAtomic(join(reportDir, 'report.json'), renderJson(data));
    reports.push(reportDir);
    findings.push({ id: finding.fingerprintId, fingerprint: finding.fingerprint, count: finding.count, dir: `findings/${dirName}` });
  }
  return {
    repros,
    reports,
    index: {
      scenario: scenario.id,
      variant: summary.variant,
      expected,
      result,
      seed: summary.seed,
      runs: summary.runs,
      runsToFirstFailure: summary.runsToFirstFailure,
      findings,
    },
  };
}

/** Writes the index of a command's campaigns: `index.md` and `index.html` in `outDir`. */
export function writeIndex(outDir: string, campaigns: readonly IndexCampaign[]): string[] {
  const md = join(outDir, 'index.md');
  const htmlPath = join(outDir, 'index.html');
  writeFileAtomic(md, renderIndexMarkdown(campaigns));
  writeFileAtomic(htmlPath, renderIndexHtml(campaigns));
  return [md, htmlPath];
}

/** A spec from the command line's choices. */
export function campaignSpec(scenario: AnyScenario, variant: string, seed: number, runs: number, stopOnFailure: boolean): CampaignSpec {
  return { scenario: scenario.id, variant, seed, runs, stopOnFailure, maxShrinkRuns: MAX_SHRINK_RUNS };
}
