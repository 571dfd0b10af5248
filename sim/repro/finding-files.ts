/**
 * The files of one finding: its repro file and its report, as contents to
 * write. Building them runs the minimal plan again with a full trace (the
 * repro's checkpoints and the report's narrative come from it) and once on
 * the fixed variant, so it happens where runs are safe to run: in a worker
 * of the pool, or in the caller's process when it has no pool.
 *
 * A finding the watchdog stopped (a hang, memory exhausted) cannot be run
 * again to its end: its files come from the records a capture run sent
 * before it stopped.
 */
import { join } from 'node:path';
import type { CampaignSummary, Finding } from '../explore/campaign.ts';
import { declaredInvariants } from '../kernel/declared-invariants.ts';
import type { FaultPlan } from '../kernel/faults.ts';
import type { Outcome } from '../kernel/outcome.ts';
import { run, type RunResult } from '../kernel/run.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import { stableStringify } from '../kernel/stable-json.ts';
import { Trace, type TraceRecord } from '../kernel/trace.ts';
import { KERNEL_VERSION } from '../kernel/run.ts';
import { CLI } from '../identity.ts';
import { buildReport } from '../../reports/build-report.ts';
import { renderHtml } from '../../reports/html.ts';
import { renderJson } from '../../reports/json.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { seriesFor } from '../../reports/series.ts';
import { reproFileName, reproFromRun, runForRepro, type ReproFile } from './repro-file.ts';

/** The campaign figures a report shows. */
export type CampaignFigures = Pick<CampaignSummary, 'seed' | 'runs' | 'runsToFirstFailure' | 'simulatedMs' | 'faultsFired' | 'warnings'> & {
  readonly statesReached: number;
  readonly transitionsReached: number;
};

/** What a finding's files are made from: plain data, so a worker can be handed it. */
export interface FindingRequest {
  readonly variant: string;
  /** The scenario file, relative to the project root (recorded in the repro). */
  readonly scenarioFile: string;
  readonly finding: Finding;
  readonly campaign: CampaignFigures;
  readonly outDir: string;
  /**
   * Set when the fixed variant did not finish under this plan (the watchdog
   * stopped it): the report says so instead of running it again.
   */
  readonly fixedStopped?: Outcome;
}

/** A finding's files: the repro first (it is written first), then the report's. */
export interface FindingFiles {
  readonly reproPath: string;
  readonly reportDir: string;
  /** Path to contents, in the order to write them. */
  readonly files: readonly (readonly [string, string])[];
}

export function campaignFigures(summary: CampaignSummary): CampaignFigures {
  return {
    seed: summary.seed,
    runs: summary.runs,
    runsToFirstFailure: summary.runsToFirstFailure,
    simulatedMs: summary.simulatedMs,
    faultsFired: summary.faultsFired,
    statesReached: summary.coverage.states.length,
    transitionsReached: summary.coverage.transitions.length,
    warnings: summary.warnings,
  };
}

/** Whether a finding's run could be run again to its end (the watchdog did not have to stop it). */
export function replayable(outcome: Outcome): boolean {
  return outcome.kind !== 'model-hang' && outcome.kind !== 'resource-exhausted';
}

/**
 * The files of a finding whose run ends: runs the minimal plan, and the
 * fixed variant under it. `beforeRun` is the watchdog's heartbeat.
 */
export function findingFiles(scenario: AnyScenario, request: FindingRequest, beforeRun: () => void = () => {}): FindingFiles {
  const { finding, variant } = request;
  const { plan } = finding.repro;
  beforeRun();
  const minimal = runForRepro(scenario, variant, finding.seed, plan);
  const repro = reproFromRun(scenario, variant, finding.seed, plan, minimal, findingMeta(request), request.scenarioFile);
  let fixed: { variant: string; outcome: Outcome } | null = null;
  if (variant !== 'fixed') {
    beforeRun();
    fixed = { variant: 'fixed', outcome: request.fixedStopped ?? run(scenario, 'fixed', finding.seed, plan).outcome };
  }
  beforeRun();
  const series = request.fixedStopped === undefined ? seriesFor(scenario, variant, finding.seed, plan) : undefined;
  return assemble(scenario, request, repro, minimal, fixed, series);
}

/** The files of a finding the watchdog stopped, from the records its capture sent before it stopped. */
export function stoppedFindingFiles(scenario: AnyScenario, request: FindingRequest, outcome: Outcome, records: readonly TraceRecord[]): FindingFiles {
  const { finding, variant } = request;
  const trace = new Trace('full');
  for (const r of records) trace.record(r.atMs, r.node, r.kind, r.peer, r.detail);
  const captured: RunResult = {
    scenario: scenario.id,
    variant,
    seed: finding.seed,
    outcome,
    traceHash: trace.hash,
    events: 0,
    simulatedMs: records[records.length - 1]?.atMs ?? 0,
    traceLength: trace.length,
    faultsFired: {},
    firedFaults: finding.repro.plan.faults.map(() => false),
    coverage: { states: [], transitions: [] },
    sometimesReached: [],
    trace: trace.records(),
  };
  const repro: ReproFile = {
    ...reproFromRun(scenario, variant, finding.seed, finding.repro.plan, { ...captured, checkpoints: [] }, findingMeta(request), request.scenarioFile),
    kernelVersion: KERNEL_VERSION,
  };
  return assemble(scenario, request, repro, captured, null, undefined);
}

function findingMeta(request: FindingRequest): NonNullable<ReproFile['finding']> {
  const { finding } = request;
  return { fingerprint: finding.fingerprint, fingerprintId: finding.fingerprintId, oneMinimal: finding.repro.oneMinimal, campaignSeed: request.campaign.seed, run: finding.firstRun };
}

function assemble(
  scenario: AnyScenario,
  request: FindingRequest,
  repro: ReproFile,
  minimal: RunResult,
  fixed: { readonly variant: string; readonly outcome: Outcome } | null,
  series: ReturnType<typeof seriesFor> | undefined,
): FindingFiles {
  const { finding, variant, outDir } = request;
  const plan: FaultPlan = finding.repro.plan;
  const name = reproFileName(scenario.id, variant, finding.fingerprintId, request.campaign.seed);
  const reproPath = join(outDir, 'repros', name);
  const broken = 'invariant' in minimal.outcome ? minimal.outcome.invariant : '';
  const invariants = invariantsOf(scenario, variant);
  const data = buildReport({
    scenario,
    variant,
    seed: finding.seed,
    plan,
    oneMinimal: finding.repro.oneMinimal,
    fingerprint: { id: finding.fingerprintId, text: finding.fingerprint, count: finding.count },
    run: minimal,
    invariantWhy: invariants.find((inv) => inv.name === broken)?.why ?? '',
    replayCommand: replayCommand(reproPath),
    fixed,
    ...(series === undefined ? {} : { series }),
    campaign: request.campaign,
  });
  const reportDir = join(outDir, 'findings', name.replace(/\.repro\.json$/, ''));
  return {
    reproPath,
    reportDir,
    files: [
      [reproPath, stableStringify(repro) + '\n'],
      [join(reportDir, 'report.md'), renderMarkdown(data)],
      [join(reportDir, 'report.html'), renderHtml(data)],
      [join(reportDir, 'report.json'), renderJson(data)],
    ],
  };
}

/** The command that replays a repro file. */
export function replayCommand(reproPath: string): string {
  return `${CLI} replay ${reproPath}`;
}

/** The scenario's invariants, or none when its `build` throws (the finding says so already). */
function invariantsOf(scenario: AnyScenario, variant: string): ReturnType<typeof declaredInvariants> {
  try {
    return declaredInvariants(scenario, variant);
  } catch {
    return [];
  }
}
