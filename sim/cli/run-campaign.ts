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
import { existsSync, readFileSync } from 'node:fs';
import { findingFiles, outputAssets } from '../../reports/finding-files.ts';
import { INDEX_FILES, indexFiles, type IndexCampaign, type IndexFinding } from '../../reports/index-page.ts';
import { declaredInvariants } from '../kernel/declared-invariants.ts';
import { reproFileName, reproFromRun } from '../repro/repro-file.ts';
import { runsForReport } from '../explore/report-runs.ts';
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
  /** Report folders (report.md, report.html, report.json, trace.json, …), first finding first. */
  readonly reports: readonly string[];
  /** Every file written: repros, each report's files, the folder's shared assets. */
  readonly files: readonly string[];
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
  const written: string[] = [];
  const invariants = declaredInvariants(scenario, summary.variant);
  for (const finding of summary.findings) {
    const { plan } = finding.repro;
    // One full-trace run serves the repro file and the report; the fixed variant's is the report's comparison.
    const runs = runsForReport(scenario, summary.variant, finding.seed, plan);
    const minimal = runs.minimal;
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
    written.push(reproPath);

    const broken = 'invariant' in minimal.outcome ? minimal.outcome.invariant : '';
    const files = findingFiles({
      scenario,
      variant: summary.variant,
      seed: finding.seed,
      plan,
      oneMinimal: finding.repro.oneMinimal,
      fingerprint: { id: finding.fingerprintId, text: finding.fingerprint, count: finding.count },
      run: minimal,
      checkReads: runs.checkReads,
      facts: runs.facts,
      invariantWhy: invariants.find((inv) => inv.name === broken)?.why ?? '',
      replayCommand: `npm run sim -- --replay ${reproPath}`,
      fixed: runs.fixed === null ? null : { variant: runs.fixed.variant, run: runs.fixed },
      series: runs.series,
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
    for (const [file, content] of Object.entries(files)) {
      writeFileAtomic(join(reportDir, file), content);
      written.push(join(reportDir, file));
    }
    reports.push(reportDir);
    findings.push({ id: finding.fingerprintId, fingerprint: finding.fingerprint, count: finding.count, dir: `findings/${dirName}` });
  }
  if (summary.findings.length > 0) {
    for (const [file, content] of Object.entries(outputAssets())) {
      writeFileAtomic(join(outDir, file), content);
      written.push(join(outDir, file));
    }
  }
  return {
    repros,
    reports,
    files: written,
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

/**
 * Writes the index of a command's campaigns into `outDir`, merged with the
 * campaigns already listed there (`index.json`): `index.json`, `index.md`
 * and `index.html`.
 */
export function writeIndex(outDir: string, campaigns: readonly IndexCampaign[]): string[] {
  const jsonPath = join(outDir, INDEX_FILES.json);
  const { files, warning } = indexFiles(existsSync(jsonPath) ? readFileSync(jsonPath, 'utf8') : undefined, campaigns);
  if (warning !== undefined) process.stderr.write(`warning: ${warning}\n`);
  return Object.entries(files).map(([file, content]) => {
    const path = join(outDir, file);
    writeFileAtomic(path, content);
    return path;
  });
}

/** A spec from the command line's choices. */
export function campaignSpec(scenario: AnyScenario, variant: string, seed: number, runs: number, stopOnFailure: boolean): CampaignSpec {
  return { scenario: scenario.id, variant, seed, runs, stopOnFailure, maxShrinkRuns: MAX_SHRINK_RUNS };
}
