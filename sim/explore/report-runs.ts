/**
 * The runs a finding's report is made from. Reports never run models; the
 * command line (and anything else that writes findings) calls this and hands
 * the results to `reports/`.
 *
 * - the finding's plan and seed on its variant, with a full trace and hash
 *   checkpoints (the repro file records this same run), observed so that it
 *   also says which nodes the broken check read and how the scenario's
 *   timeline facts changed;
 * - the same plan and seed on `fixed`, with a full trace, so the report can
 *   name the first point where the two runs part ways;
 * - the scenario's series, if it declares one: the plan run to the end on
 *   both variants with the invariants off.
 */
import type { FaultPlan } from '../kernel/faults.ts';
import { run, type RunResult } from '../kernel/run.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import type { Outcome } from '../kernel/outcome.ts';
import type { NodeId } from '../kernel/faults.ts';
import { tallySeries, type ReportSeries } from '../../reports/series.ts';
import { observeScenario, type FactTrack } from './observed-scenario.ts';

export interface ReportRuns {
  /** The finding's run: full trace, checkpoints (what `runForRepro` gives, observed). */
  readonly minimal: RunResult;
  /** Nodes whose handles the broken check read when it broke, in order of first read; empty for outcomes that are not violations. */
  readonly checkReads: readonly NodeId[];
  readonly facts: readonly FactTrack[];
  /** The same seed and plan on `fixed`, full trace; null when the finding is on `fixed`. */
  readonly fixed: RunResult | null;
  readonly series: ReportSeries | null;
}

/** The variant a finding is compared with. */
export const COMPARED_VARIANT = 'fixed';

/** How the runs are made: a heartbeat before each (the watchdog times each run), and a fixed run known not to end. */
export interface ReportRunOptions {
  readonly beforeRun?: () => void;
  /** The fixed variant did not finish under this plan (the watchdog stopped it): it is not run again, nor is the series. */
  readonly fixedStopped?: Outcome;
}

export function runsForReport(scenario: AnyScenario, variant: string, seed: number, plan: FaultPlan, options: ReportRunOptions = {}): ReportRuns {
  const beforeRun = options.beforeRun ?? (() => {});
  const observed = observeScenario(scenario);
  beforeRun();
  const minimal = run(observed.scenario, variant, seed, plan, { traceMode: 'full', checkpoints: true });
  const broken = 'invariant' in minimal.outcome ? minimal.outcome.invariant : undefined;
  let fixed: RunResult | null = null;
  if (variant !== COMPARED_VARIANT) {
    beforeRun();
    fixed = options.fixedStopped === undefined ? run(scenario, COMPARED_VARIANT, seed, plan, { traceMode: 'full' }) : stoppedRun(scenario.id, seed, options.fixedStopped);
  }
  return {
    minimal,
    checkReads: broken === undefined ? [] : observed.readsOf(broken),
    facts: observed.facts(),
    fixed,
    series: options.fixedStopped === undefined ? seriesFor(scenario, variant, seed, plan, beforeRun) : null,
  };
}

/** A fixed run that never ended, as a result with no trace. */
function stoppedRun(scenarioId: string, seed: number, outcome: Outcome): RunResult {
  return { scenario: scenarioId, variant: COMPARED_VARIANT, seed, outcome, traceHash: '', events: 0, simulatedMs: 0, traceLength: 0, faultsFired: {}, firedFaults: [], faultsEffective: {}, effectiveFaults: [], coverage: { states: [], transitions: [], pairs: [], stateFirstMs: {} }, progress: null, sometimesReached: [], trace: [] };
}

/**
 * A scenario's series (see `Scenario.series`) under a plan: run to the end
 * on the finding's variant and on `fixed`, with the invariants switched off
 * so neither run stops at a violation, the accepted records tallied per
 * bucket of virtual time.
 */
export function seriesFor(scenario: AnyScenario, variant: string, seed: number, plan: FaultPlan, beforeRun: () => void = () => {}): ReportSeries | null {
  const series = scenario.series;
  if (series === undefined) return null;
  const unchecked: AnyScenario = { ...scenario, invariants: () => [] };
  const variants = variant === COMPARED_VARIANT ? [COMPARED_VARIANT] : [variant, COMPARED_VARIANT];
  return tallySeries(
    series,
    scenario.durationMs,
    variants.map((v) => {
      beforeRun();
      return { variant: v, trace: run(unchecked, v, seed, plan, { traceMode: 'full' }).trace };
    }),
  );
}
