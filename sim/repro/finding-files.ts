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
import type { RunResult } from '../kernel/run.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import { stableStringify } from '../kernel/stable-json.ts';
import { Trace, type TraceRecord } from '../kernel/trace.ts';
import { CLI } from '../identity.ts';
import { findingFiles as reportFiles } from '../../reports/finding-files.ts';
import { runsForReport, type ReportRuns } from '../explore/report-runs.ts';
import { reproFileName, reproFromRun, type ReproFile } from './repro-file.ts';

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
 * The files of a finding whose run ends: runs the minimal plan (observed:
 * which nodes the broken check read), the fixed variant under it, and the
 * scenario's series. `beforeRun` is the watchdog's heartbeat.
 */
export function findingFiles(scenario: AnyScenario, request: FindingRequest, beforeRun: () => void = () => {}): FindingFiles {
  const { finding, variant } = request;
  const { plan } = finding.repro;
  const runs = runsForReport(scenario, variant, finding.seed, plan, { beforeRun, fixedStopped: request.fixedStopped });
  const repro = reproFromRun(scenario, variant, finding.seed, plan, runs.minimal, findingMeta(request), request.scenarioFile);
  return assemble(scenario, request, repro, runs);
}

/** The files of a finding the watchdog stopped, from the records its capture sent before it stopped. */
export function stoppedFindingFiles(scenario: AnyScenario, request: FindingRequest, outcome: Outcome, records: readonly TraceRecord[]): FindingFiles {
  const { finding, variant } = request;
  const captured = capturedRun(scenario.id, variant, finding.seed, finding.repro.plan, outcome, records);
  const repro: ReproFile = reproFromRun(scenario, variant, finding.seed, finding.repro.plan, { ...captured, checkpoints: [] }, findingMeta(request), request.scenarioFile);
  return assemble(scenario, request, repro, { minimal: captured, checkReads: [], facts: [], fixed: null, series: null });
}

/** A run the watchdog stopped, as a result: its outcome, and the records a capture of it sent. */
export function capturedRun(scenarioId: string, variant: string, seed: number, plan: FaultPlan, outcome: Outcome, records: readonly TraceRecord[]): RunResult {
  const trace = new Trace('full');
  for (const r of records) trace.record(r.atMs, r.node, r.kind, r.peer, r.detail);
  return {
    scenario: scenarioId,
    variant,
    seed,
    outcome,
    traceHash: trace.hash,
    events: 0,
    simulatedMs: records[records.length - 1]?.atMs ?? 0,
    traceLength: trace.length,
    faultsFired: {},
    firedFaults: plan.faults.map(() => false),
    faultsEffective: {},
    effectiveFaults: plan.faults.map(() => false),
    coverage: { states: [], transitions: [], pairs: [], stateFirstMs: {} },
    progress: null,
    sometimesReached: [],
    trace: trace.records(),
  };
}

function findingMeta(request: FindingRequest): NonNullable<ReproFile['finding']> {
  const { finding } = request;
  return { fingerprint: finding.fingerprint, fingerprintId: finding.fingerprintId, oneMinimal: finding.repro.oneMinimal, campaignSeed: request.campaign.seed, run: finding.firstRun };
}

function assemble(scenario: AnyScenario, request: FindingRequest, repro: ReproFile, runs: ReportRuns): FindingFiles {
  const { finding, variant, outDir } = request;
  const name = reproFileName(scenario.id, variant, finding.fingerprintId, request.campaign.seed);
  const reproPath = join(outDir, 'repros', name);
  const minimal = runs.minimal;
  const broken = 'invariant' in minimal.outcome ? minimal.outcome.invariant : '';
  const report = reportFiles({
    scenario,
    variant,
    seed: finding.seed,
    plan: finding.repro.plan,
    oneMinimal: finding.repro.oneMinimal,
    fingerprint: { id: finding.fingerprintId, text: finding.fingerprint, count: finding.count },
    run: minimal,
    checkReads: runs.checkReads,
    facts: runs.facts,
    // Only a broken invariant has a why; finding it builds the world, which a hung or crashed scenario may never finish.
    invariantWhy: broken === '' ? '' : (invariantsOf(scenario, variant).find((inv) => inv.name === broken)?.why ?? ''),
    replayCommand: replayCommand(reproPath),
    fixed: runs.fixed === null ? null : { variant: runs.fixed.variant, run: runs.fixed },
    series: runs.series,
    campaign: request.campaign,
  });
  const reportDir = join(outDir, 'findings', name.replace(/\.repro\.json$/, ''));
  return {
    reproPath,
    reportDir,
    files: [[reproPath, stableStringify(repro) + '\n'], ...Object.entries(report).map(([file, content]) => [join(reportDir, file), content] as const)],
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
