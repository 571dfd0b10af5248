/**
 * A campaign: runs 0..K-1 of one scenario and variant from one campaign seed,
 * and the summary of what they found.
 *
 * The summary is a pure function of the set of case results, folded in run
 * order, so a serial run, a pool of workers and merged shards that covered
 * the same runs give the same summary (wall-clock figures aside).
 */
import type { FaultPlan } from '../kernel/faults.ts';
import type { Outcome } from '../kernel/outcome.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import { spaceKinds } from '../kernel/fault-space.ts';
import { factsOf } from '../kernel/scenario-facts.ts';
import { own } from '../kernel/own.ts';
import { exploreRun, type CaseResult, type MinimalRepro, type ShrinkOptions } from './explore-run.ts';
import { accountKinds, goalRuns, type KindAccount } from './fault-accounting.ts';
import { explainSearch, type SearchExplain } from './guided/explain.ts';
import { GENERATION_SIZE, DEFAULT_LANES, type GuidedLayout } from './guided/layout.ts';
import { GuidedPlanner } from './guided/planner.ts';
import type { SearchMode } from './search-mode.ts';
import { thinSearchWarnings } from './thin-search.ts';

/** What a campaign runs. */
export interface CampaignSpec {
  readonly scenario: string;
  readonly variant: string;
  readonly seed: number;
  /** Runs 0..runs-1 (a time budget may stop it sooner). */
  readonly runs: number;
  /** Stop at the first failing run; later runs are not part of the result. */
  readonly stopOnFailure: boolean;
  readonly maxShrinkRuns: number;
  /** How plans are chosen (see search-mode.ts). Default `random`, as every campaign was before guided search. */
  readonly search?: SearchMode;
  /** Guided search: independent lanes (see guided/layout.ts); shards split them. Default {@link DEFAULT_LANES}. */
  readonly lanes?: number;
}

/** The campaign's search mode. */
export function searchOf(spec: CampaignSpec): SearchMode {
  return spec.search ?? 'random';
}

/** A guided campaign's layout of runs, or null for a random one. */
export function layoutOf(spec: CampaignSpec): GuidedLayout | null {
  return searchOf(spec) === 'guided' ? { lanes: spec.lanes ?? DEFAULT_LANES, generationSize: GENERATION_SIZE } : null;
}

/** The main thread's half of a campaign's search: guided needs one, random does not. */
export function plannerFor(scenario: AnyScenario, spec: CampaignSpec): GuidedPlanner | undefined {
  const layout = layoutOf(spec);
  return layout === null ? undefined : new GuidedPlanner(scenario, spec.seed, spec.runs, layout);
}

/** One bug, however many runs found it. */
export interface Finding {
  readonly fingerprintId: string;
  readonly fingerprint: string;
  /** How many runs failed with this fingerprint. */
  readonly count: number;
  /** The first run that found it, and that run's minimal reproduction. */
  readonly firstRun: number;
  readonly seed: number;
  readonly repro: MinimalRepro;
}

/** What a campaign found, and how hard it looked. */
export interface CampaignSummary {
  readonly scenario: string;
  readonly variant: string;
  readonly seed: number;
  /** Runs completed. */
  readonly runs: number;
  readonly found: boolean;
  /** 1-based number of the first failing run, or null. */
  readonly runsToFirstFailure: number | null;
  /** The first finding's minimal reproduction, or nulls when nothing failed. */
  readonly outcome: Outcome;
  readonly minimalPlan: FaultPlan | null;
  readonly planSize: number | null;
  readonly oneMinimal: boolean | null;
  readonly traceHash: string | null;
  /** Totals over every run (shrinking runs not included). */
  readonly events: number;
  readonly simulatedMs: number;
  /** How plans were chosen. */
  readonly search: SearchMode;
  /** Per kind: how many faults of it fired, over all runs. */
  readonly faultsFired: Readonly<Record<string, number>>;
  /** Per kind: faults planned, fired and effective, and in how many runs (see fault-accounting.ts). */
  readonly faults: Readonly<Record<string, KindAccount>>;
  /** Per `sometimes` goal: how many runs reached it. */
  readonly goals: Readonly<Record<string, number>>;
  readonly coverage: {
    readonly states: readonly string[];
    readonly transitions: readonly string[];
  };
  readonly sometimesReached: readonly string[];
  readonly findings: readonly Finding[];
  /** Where the search was blind or thin: kinds rarely effective, goals rarely reached (see thin-search.ts). */
  readonly warnings: readonly string[];
  /** What the search did: samples, coverage growth, corpus, which mutations paid off. */
  readonly explain: SearchExplain;
}

/**
 * Runs campaign runs in increasing order, skipping those `include` leaves
 * out, and hands each result to `onCase`. Stops early when `shouldStop` says
 * so (a time budget) or, with `stopOnFailure`, after the first failure.
 */
export function runCases(
  scenario: AnyScenario,
  spec: CampaignSpec,
  options: {
    readonly include?: (index: number) => boolean;
    readonly shouldStop?: (nextIndex: number) => boolean;
    readonly onCase?: (result: CaseResult) => void;
  } = {},
): CaseResult[] {
  const shrink: ShrinkOptions = { maxShrinkRuns: spec.maxShrinkRuns };
  const planner = plannerFor(scenario, spec);
  const results: CaseResult[] = [];
  for (let index = 0; index < spec.runs; index++) {
    if (options.include !== undefined && !options.include(index)) continue;
    if (options.shouldStop?.(index)) break;
    const result = exploreRun(scenario, spec.variant, spec.seed, index, shrink, planner?.given(index));
    planner?.observe(result);
    results.push(result);
    options.onCase?.(result);
    if (spec.stopOnFailure && result.repro !== undefined) break;
  }
  return results;
}

/**
 * Folds case results (from any number of workers or shards) into the
 * campaign summary. With `stopOnFailure`, runs after the first failing one
 * are dropped, whoever ran them, exactly as a serial campaign would not have
 * run them.
 */
export function summarize(scenario: AnyScenario, spec: CampaignSpec, cases: readonly CaseResult[]): CampaignSummary {
  let ordered = [...cases].sort((a, b) => a.index - b.index);
  const firstFailure = ordered.find((c) => c.repro !== undefined);
  if (spec.stopOnFailure && firstFailure !== undefined) ordered = ordered.filter((c) => c.index <= firstFailure.index);

  const stoppedAtFailure = spec.stopOnFailure && firstFailure !== undefined;
  const faultsFired: Record<string, number> = {};
  // Every kind the space allows is counted, so one that never fired shows as 0.
  for (const kind of scenario.faultSpace === undefined ? [] : spaceKinds(scenario.faultSpace)) faultsFired[kind] = 0;
  const states = new Set<string>();
  const transitions = new Set<string>();
  const sometimes = new Set<string>();
  const findings = new Map<string, { first: CaseResult; repro: MinimalRepro; count: number }>();
  let events = 0;
  let simulatedMs = 0;
  for (const c of ordered) {
    events += c.events;
    simulatedMs += c.simulatedMs;
    for (const [kind, n] of Object.entries(c.faultsFired)) faultsFired[kind] = (own(faultsFired, kind) ?? 0) + n;
    for (const s of c.states) states.add(s);
    for (const t of c.transitions) transitions.add(t);
    for (const g of c.sometimesReached) sometimes.add(g);
    if (c.repro !== undefined) {
      const known = findings.get(c.repro.fingerprintId);
      if (known === undefined) findings.set(c.repro.fingerprintId, { first: c, repro: c.repro, count: 1 });
      else known.count++;
    }
  }

  const first = firstFailure !== undefined && ordered.includes(firstFailure) ? firstFailure.repro! : undefined;
  const faults = accountKinds(scenario, ordered);
  const goals = goalRuns(sometimesGoalNames(scenario), ordered);
  return {
    scenario: spec.scenario,
    variant: spec.variant,
    seed: spec.seed,
    runs: ordered.length,
    found: first !== undefined,
    runsToFirstFailure: first === undefined ? null : firstFailure!.index + 1,
    outcome: first?.outcome ?? { kind: 'pass' },
    minimalPlan: first?.plan ?? null,
    planSize: first?.plan.faults.length ?? null,
    oneMinimal: first?.oneMinimal ?? null,
    traceHash: first?.traceHash ?? null,
    events,
    simulatedMs,
    search: searchOf(spec),
    faultsFired,
    faults,
    goals,
    coverage: { states: [...states].sort(), transitions: [...transitions].sort() },
    sometimesReached: [...sometimes].sort(),
    findings: [...findings.values()].map(({ first: c, repro, count }) => ({
      fingerprintId: repro.fingerprintId,
      fingerprint: repro.fingerprint,
      count,
      firstRun: c.index,
      seed: c.seed,
      repro,
    })),
    warnings: thinSearchWarnings(faults, goals, ordered.length, stoppedAtFailure),
    explain: explainSearch(searchOf(spec), layoutOf(spec), ordered),
  };
}

/** The names of a scenario's `sometimes` goals (declared the same in every variant), learned once (see scenario-facts.ts). */
function sometimesGoalNames(scenario: AnyScenario): readonly string[] {
  return factsOf(scenario).sometimesGoals;
}
