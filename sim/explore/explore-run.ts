/**
 * One run of a campaign: draw a fault plan, run it, and if it fails, shrink
 * it to a minimal reproduction.
 *
 * fast-check draws the plan from the run's own seed (one `fc.check` with
 * `numRuns: 1`), so the run is replayable alone. The same seed drives the
 * run's background randomness (latencies, which packet a lossy link drops),
 * and it stays fixed while shrinking, so a smaller plan is judged under the
 * same weather.
 *
 * A failing plan is shrunk by shrinkPlan (shrink-plan.ts): whole faults by
 * delta debugging, then each field toward the mildest the fault space
 * allows, then a removal pass; the result is 1-minimal (removing any one
 * fault makes the run pass or fail differently). fast-check's own shrinker
 * runs first only where it pays: for spaces with fields drawn from an
 * arbitrary (a string a user types), which only it knows how to shrink.
 * Elsewhere it would spend dozens of runs on what shrinkPlan does in a few.
 */
import fc from 'fast-check';
import type { FaultSpace } from '../kernel/fault-space.ts';
import type { FaultPlan } from '../kernel/faults.ts';
import type { Outcome } from '../kernel/outcome.ts';
import { run, type RunOptions, type RunResult } from '../kernel/run.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import { swarmPlanArbitrary } from './arbitraries.ts';
import { failureSignature, fingerprintId, fingerprintText } from './failure.ts';
import { runSeed } from './seeds.ts';
import { shrinkPlan } from './shrink-plan.ts';
import { DRAWN, type GivenPlan, type PlanOrigin } from './guided/candidate.ts';

/** Limits of the work spent on one failing run. */
export interface ShrinkOptions {
  /**
   * Runs fast-check may spend shrinking one failure. Past it, candidates are
   * treated as passing, which ends the search with the smallest plan found.
   */
  readonly maxShrinkRuns: number;
  /** Called before each run (the first, and each shrinking one): a watchdog's heartbeat. */
  readonly beforeRun?: () => void;
  /**
   * `false`: report a failure as it ran, not shrunk (and not 1-minimal).
   * For benchmarks of search power, which time the search alone. Default true.
   */
  readonly shrink?: boolean;
}

/** The minimal reproduction of a failing run. */
export interface MinimalRepro {
  readonly signature: string;
  readonly fingerprint: string;
  readonly fingerprintId: string;
  readonly plan: FaultPlan;
  /** Removing any single fault of `plan` makes the run pass (or fail differently). */
  readonly oneMinimal: boolean;
  /** The minimal plan's outcome and trace hash (what a replay must give). */
  readonly outcome: Outcome;
  readonly traceHash: string;
  readonly events: number;
  readonly simulatedMs: number;
  /** Runs spent shrinking and in the removal pass. */
  readonly shrinkRuns: number;
}

/** What one campaign run found. Plain data, so workers and shards can send it. */
export interface CaseResult {
  readonly index: number;
  readonly seed: number;
  readonly enabledKinds: readonly string[];
  /** The plan as it ran, before any shrinking (a guided search mutates it). */
  readonly plan: FaultPlan;
  /** Size of the plan as drawn, before any shrinking. */
  readonly planSize: number;
  /** Whether the plan was drawn from the run's seed or made by a guided search. */
  readonly origin: PlanOrigin;
  readonly outcome: Outcome;
  readonly events: number;
  readonly simulatedMs: number;
  readonly faultsFired: Readonly<Record<string, number>>;
  /** Per kind: faults whose effect reached a model (see the injector). */
  readonly faultsEffective: Readonly<Record<string, number>>;
  readonly states: readonly string[];
  readonly transitions: readonly string[];
  /** States entered while a fault kind was in force, `machine:state@kind`. */
  readonly pairs: readonly string[];
  /** When each state was first entered (virtual ms). */
  readonly stateFirstMs: Readonly<Record<string, number>>;
  readonly sometimesReached: readonly string[];
  /** The highest value of the scenario's progress measure, or null. */
  readonly progress: number | null;
  /** Present when the run failed. */
  readonly repro?: MinimalRepro;
}

/**
 * Runs campaign run `index`: draws its plan (or runs the one a guided search
 * gives it), runs it, shrinks a failure.
 */
export function exploreRun(scenario: AnyScenario, variant: string, campaignSeed: number, index: number, options: ShrinkOptions, given?: GivenPlan): CaseResult {
  const space = scenario.faultSpace;
  if (space === undefined) throw new Error(`scenario ${scenario.id} declares no fault space to explore`);
  if (given !== undefined) return exploreGiven(scenario, variant, index, options, given);
  const seed = runSeed(campaignSeed, index);
  let first: { result: RunResult; enabledKinds: readonly string[]; plan: FaultPlan } | undefined;
  let signature: string | undefined;
  let shrinkRuns = 0;
  const details = fc.check(
    fc.property(swarmPlanArbitrary(space), ({ enabledKinds, plan }) => {
      if (first === undefined) {
        options.beforeRun?.();
        const result = run(scenario, variant, seed, plan, firstRunOptions(options));
        first = { result, enabledKinds, plan };
        signature = failureSignature(result.outcome);
        return signature === undefined;
      }
      if (shrinkRuns >= options.maxShrinkRuns) return true;
      shrinkRuns++;
      options.beforeRun?.();
      return failureSignature(run(scenario, variant, seed, plan, OUTCOME_ONLY).outcome) !== signature;
    }),
    { seed, numRuns: 1, endOnFailure: !hasArbitraryFields(space) },
  );
  if (first === undefined) throw new Error('fast-check drew no plan');
  const { result, enabledKinds, plan } = first;
  const base = caseOf(index, seed, enabledKinds, plan, DRAWN, result);
  if (!details.failed || signature === undefined) return base;
  if (options.shrink === false) return { ...base, repro: unshrunk(signature, plan, result) };
  const shrunk = (details.counterexample?.[0]?.plan ?? plan) as FaultPlan;
  return { ...base, repro: minimize(scenario, variant, seed, shrunk, signature, shrinkRuns, options.beforeRun) };
}

/**
 * A run of a plan a guided search made. It came from no arbitrary, so
 * fast-check cannot shrink it: a failure goes straight to shrinkPlan, the
 * seam every search shrinks through, and ends 1-minimal as a drawn one does.
 */
function exploreGiven(scenario: AnyScenario, variant: string, index: number, options: ShrinkOptions, given: GivenPlan): CaseResult {
  options.beforeRun?.();
  const result = run(scenario, variant, given.seed, given.plan, firstRunOptions(options));
  const base = caseOf(index, given.seed, given.enabledKinds, given.plan, given.origin, result);
  const signature = failureSignature(result.outcome);
  if (signature === undefined) return base;
  if (options.shrink === false) return { ...base, repro: unshrunk(signature, given.plan, result) };
  return { ...base, repro: minimize(scenario, variant, given.seed, given.plan, signature, 0, options.beforeRun) };
}

/**
 * A campaign reads only the outcome of its runs and of shrinking's
 * candidates: they keep no trace (trace.ts), and the plan a finding ends
 * with is run once more with its hash. Hashing every record cost 9 % of a
 * `dmsg/registration-timeout` run, 11 % of a `dmsg/breaker-herd` one and
 * 6 % of a canary one (the two versions alternated in one process).
 */
const OUTCOME_ONLY: RunOptions = { traceMode: 'outcome' };

/** A run that is not shrunk is the finding as it ran: it keeps its hash. */
function firstRunOptions(options: ShrinkOptions): RunOptions | undefined {
  return options.shrink === false ? undefined : OUTCOME_ONLY;
}

/** A failure as it ran, for a search that does not shrink. */
function unshrunk(signature: string, plan: FaultPlan, result: RunResult): MinimalRepro {
  const text = fingerprintText(signature, plan);
  return { signature, fingerprint: text, fingerprintId: fingerprintId(text), plan, oneMinimal: false, outcome: result.outcome, traceHash: result.traceHash, events: result.events, simulatedMs: result.simulatedMs, shrinkRuns: 0 };
}

function caseOf(index: number, seed: number, enabledKinds: readonly string[], plan: FaultPlan, origin: PlanOrigin, result: RunResult): CaseResult {
  return {
    index,
    seed,
    enabledKinds,
    plan,
    planSize: plan.faults.length,
    origin,
    outcome: result.outcome,
    events: result.events,
    simulatedMs: result.simulatedMs,
    faultsFired: result.faultsFired,
    faultsEffective: result.faultsEffective,
    states: result.coverage.states,
    transitions: result.coverage.transitions,
    pairs: result.coverage.pairs,
    stateFirstMs: result.coverage.stateFirstMs,
    sometimesReached: result.sometimesReached,
    progress: result.progress,
  };
}

/** Whether a space has custom fields drawn from an arbitrary: values only fast-check's shrinker can make simpler. */
function hasArbitraryFields(space: FaultSpace): boolean {
  return Object.values(space.custom ?? {}).some((kind) => Object.values(kind.fields).some((field) => typeof field === 'object' && 'arbitrary' in field));
}

/**
 * The plan campaign run `index` draws, without running it (for self-checks
 * and for tools that want to look at the search). It is the value
 * {@link exploreRun} runs first: same seed, same arbitrary, same draw.
 */
export function drawPlan(scenario: AnyScenario, campaignSeed: number, index: number): { seed: number; plan: FaultPlan; enabledKinds: readonly string[] } {
  const space = scenario.faultSpace;
  if (space === undefined) throw new Error(`scenario ${scenario.id} declares no fault space to explore`);
  const seed = runSeed(campaignSeed, index);
  let drawn: { plan: FaultPlan; enabledKinds: readonly string[] } | undefined;
  fc.check(
    fc.property(swarmPlanArbitrary(space), (swarm) => {
      drawn ??= swarm;
      return true;
    }),
    { seed, numRuns: 1 },
  );
  return { seed, plan: drawn!.plan, enabledKinds: drawn!.enabledKinds };
}

/** shrinkPlan (see shrink-plan.ts), then the minimal plan's own outcome and hash. */
function minimize(scenario: AnyScenario, variant: string, seed: number, start: FaultPlan, signature: string, spent: number, beforeRun?: () => void): MinimalRepro {
  const failsSameWay = (candidate: FaultPlan): boolean => {
    beforeRun?.();
    return failureSignature(run(scenario, variant, seed, candidate, OUTCOME_ONLY).outcome) === signature;
  };
  // No budget of its own: removal ends within n(n+1)/2 runs for n faults, and each field's search within a few.
  const shrunk = shrinkPlan(start, failsSameWay, { maxRuns: Number.POSITIVE_INFINITY, space: scenario.faultSpace });
  beforeRun?.();
  const final = run(scenario, variant, seed, shrunk.plan);
  const text = fingerprintText(signature, shrunk.plan);
  return {
    signature,
    fingerprint: text,
    fingerprintId: fingerprintId(text),
    plan: shrunk.plan,
    oneMinimal: shrunk.oneMinimal && failureSignature(final.outcome) === signature,
    outcome: final.outcome,
    traceHash: final.traceHash,
    events: final.events,
    simulatedMs: final.simulatedMs,
    shrinkRuns: spent + shrunk.runs,
  };
}
