/**
 * The tasks a worker thread runs. Each takes plain data and returns plain
 * data, so the main thread can hand them to any worker.
 */
import type { FaultPlan } from '../../kernel/faults.ts';
import { run, type RunResult } from '../../kernel/run.ts';
import type { AnyScenario } from '../../kernel/scenario.ts';
import { selfCheck } from '../../kernel/self-check.ts';
import type { TraceMode, TraceRecord } from '../../kernel/trace.ts';
import { drawPlan, exploreRun, type CaseResult } from '../explore-run.ts';
import type { ScenarioRef } from './protocol.ts';
import type { GivenPlan } from '../guided/candidate.ts';
import { learnFacts, type ScenarioFacts } from '../../kernel/scenario-facts.ts';
import { findingFiles, type FindingFiles, type FindingRequest } from '../../repro/finding-files.ts';

/** What a handler may use besides its input. */
export interface HandlerContext {
  /** The scenario a task names, loaded once per worker. */
  scenario(ref: ScenarioRef): Promise<AnyScenario>;
  /** Tells the watchdog a run begins (it measures each run's wall time from here). */
  runStarting(): void;
  /** Sends one trace record to the main thread at once (a capture). */
  record(record: TraceRecord): void;
  /** Where a capture writes how far it got before each event: [virtual ms, events run] (a Float64Array over shared memory). */
  readonly progress: Float64Array;
}

/** One run of a campaign: draw its plan (or take the one given), run it, shrink a failure. */
export interface CaseInput {
  readonly scenario: ScenarioRef;
  readonly variant: string;
  readonly campaignSeed: number;
  readonly index: number;
  readonly maxShrinkRuns: number;
  /** The plan a guided search made for this run; without it the run draws its own from its seed. */
  readonly given?: GivenPlan;
}

/** One run of a given plan. */
export interface RunInput {
  readonly scenario: ScenarioRef;
  readonly variant: string;
  readonly seed: number;
  readonly plan: FaultPlan;
  readonly traceMode: TraceMode;
  readonly checkpoints: boolean;
}

/** A campaign run twice, its traces compared. */
export interface SelfCheckInput {
  readonly scenario: ScenarioRef;
  readonly variant: string;
  readonly campaignSeed: number;
  readonly index: number;
}

export interface SelfCheckValue {
  readonly seed: number;
  readonly divergence: { readonly index: number; readonly first?: TraceRecord; readonly second?: TraceRecord } | null;
}

export const HANDLERS = {
  async case(input: CaseInput, context: HandlerContext): Promise<CaseResult> {
    const scenario = await context.scenario(input.scenario);
    return exploreRun(scenario, input.variant, input.campaignSeed, input.index, { maxShrinkRuns: input.maxShrinkRuns, beforeRun: context.runStarting }, input.given);
  },

  async run(input: RunInput, context: HandlerContext): Promise<RunResult> {
    const scenario = await context.scenario(input.scenario);
    context.runStarting();
    return run(scenario, input.variant, input.seed, input.plan, { traceMode: input.traceMode, checkpoints: input.checkpoints });
  },

  /** A run whose every record reaches the main thread as it happens: if the run hangs, what came before is kept. */
  async capture(input: RunInput, context: HandlerContext): Promise<RunResult> {
    const scenario = await context.scenario(input.scenario);
    context.runStarting();
    return run(scenario, input.variant, input.seed, input.plan, { traceMode: 'hash', onRecord: context.record, progress: context.progress });
  },

  /** A finding's repro file and report, as contents for the main thread to write. */
  async finding(input: { readonly scenario: ScenarioRef; readonly request: FindingRequest }, context: HandlerContext): Promise<FindingFiles> {
    const scenario = await context.scenario(input.scenario);
    // Three runs (the minimal plan twice over, and the fixed variant); the
    // heartbeat moves before each, so the watchdog times each on its own.
    return findingFiles(scenario, input.request, context.runStarting);
  },

  /** What the scenario's build says (node ids, goals): learned here so the main thread never runs a build. */
  async facts(input: { readonly scenario: ScenarioRef }, context: HandlerContext): Promise<ScenarioFacts> {
    const scenario = await context.scenario(input.scenario);
    context.runStarting();
    return learnFacts(scenario);
  },

  async selfCheck(input: SelfCheckInput, context: HandlerContext): Promise<SelfCheckValue> {
    const scenario = await context.scenario(input.scenario);
    const { seed, plan } = drawPlan(scenario, input.campaignSeed, input.index);
    context.runStarting();
    const check = selfCheck(scenario, input.variant, seed, plan);
    return { seed, divergence: check.divergence ?? null };
  },
} as const;

export type HandlerName = keyof typeof HANDLERS;
