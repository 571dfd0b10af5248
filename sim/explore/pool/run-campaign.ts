/**
 * A campaign on the worker pool: runs handed out in increasing order to
 * whichever worker is free, results folded by index (see campaign.ts), so
 * any number of workers gives the result of one. Under stop-on-failure no
 * run after the first failing one is handed out, and every run before it is
 * still awaited, exactly as a serial campaign would have run them.
 *
 * A guided campaign (see guided/planner.ts) makes each run's plan here, on
 * the main thread, when the run's lane has folded its previous generation,
 * and hands it to the worker with the run; the results it waits for arrive
 * in any order and are folded in run order. While the next run waits for
 * its generation, workers need not idle at the tail of the one before:
 * later runs whose plans are already certain (of another lane that is
 * ready, or fresh draws, see GuidedPlanner.drawsOwnPlan) run ahead, within
 * the next {@link AHEAD_GENERATIONS} generations. They run exactly what
 * they would have run in their turn.
 *
 * A run the watchdog had to stop becomes a case like any other, with a
 * typed outcome (`model-hang`, `resource-exhausted`) and its plan as drawn:
 * a finding, unshrunk (each smaller try would cost the whole budget again).
 */
import { layoutOf, plannerFor, type CampaignSpec } from '../campaign.ts';
import type { GuidedPlanner } from '../guided/planner.ts';
import { DRAWN, type GivenPlan } from '../guided/candidate.ts';
import { drawPlan, type CaseResult } from '../explore-run.ts';
import { failureSignature, fingerprintId, fingerprintText } from '../failure.ts';
import type { ModelCrash, ModelHang, ResourceExhausted } from '../../kernel/outcome.ts';
import type { AnyScenario } from '../../kernel/scenario.ts';
import type { CaseInput } from './handlers.ts';
import type { TaskOutcome, WorkerPool } from './pool.ts';
import type { ScenarioRef } from './protocol.ts';
import { Trace, type TraceRecord } from '../../kernel/trace.ts';

/**
 * How far a guided campaign's runs may run ahead of the generation that
 * waits: the next one, and the one after (a fresh draw is one run in four).
 */
const AHEAD_GENERATIONS = 2;

export interface PoolCampaignOptions {
  /** Runs this command owns (a shard); default all. A guided campaign's shard must own whole lanes. */
  readonly include?: (index: number) => boolean;
  /** Runs already done (a resumed campaign), by index: not run again, but a guided search learns from them. */
  readonly done?: ReadonlyMap<number, CaseResult>;
  /** Checked before each hand-out; true stops handing out runs. */
  readonly outOfTime?: () => boolean;
  /** Told of each result as it arrives (not in index order). */
  readonly onCase?: (result: CaseResult) => void;
}

export async function runCampaignOnPool(pool: WorkerPool, ref: ScenarioRef, scenario: AnyScenario, spec: CampaignSpec, options: PoolCampaignOptions = {}): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  pool.resetTaskTiming();
  // A guided search learns from every result, the journal's first.
  const planner = plannerFor(scenario, spec);
  for (const done of options.done?.values() ?? []) planner?.observe(done);
  let next = 0;
  let lastWanted = spec.runs - 1;
  let inFlight = 0;
  let stopped = false;
  /** Runs handed out ahead of their turn (guided search only). */
  const ranAhead = new Set<number>();
  const skipped = (index: number): boolean => (options.include !== undefined && !options.include(index)) || options.done?.has(index) === true || ranAhead.has(index);
  const layout = layoutOf(spec);
  const aheadRuns = layout === null ? 0 : AHEAD_GENERATIONS * layout.lanes * layout.generationSize;
  return new Promise<CaseResult[]>((resolve, reject) => {
    const handOut = (): void => {
      while (!stopped && inFlight < pool.capacity && next <= lastWanted) {
        const index = next;
        if (skipped(index)) {
          next++;
          continue;
        }
        // A guided run waits for its lane's previous generation (see guided/layout.ts).
        if (planner !== undefined && !planner.ready(index)) {
          if (inFlight === 0) reject(new Error(`run ${index} waits for runs that nobody runs (its lane's earlier generations are not all in this command)`));
          else runAhead(planner, index);
          return;
        }
        if (options.outOfTime?.() === true) {
          stopped = true;
          break;
        }
        next++;
        start(index, planner?.given(index));
      }
      if (inFlight === 0 && (stopped || next > lastWanted)) resolve(results);
    };

    /** Hands out the later runs whose plans are certain already, while run `waiting` waits for its generation. */
    const runAhead = (planner: GuidedPlanner, waiting: number): void => {
      const last = Math.min(lastWanted, waiting + aheadRuns);
      for (let index = waiting + 1; index <= last && inFlight < pool.capacity; index++) {
        if (skipped(index)) continue;
        const ready = planner.ready(index);
        if (!ready && !planner.drawsOwnPlan(index)) continue;
        if (options.outOfTime?.() === true) return;
        ranAhead.add(index);
        start(index, ready ? planner.given(index) : undefined);
      }
    };

    const start = (index: number, given: GivenPlan | undefined): void => {
      inFlight++;
      const input: CaseInput = { scenario: ref, variant: spec.variant, campaignSeed: spec.seed, index, maxShrinkRuns: spec.maxShrinkRuns, ...(given === undefined ? {} : { given }) };
      pool
        .run<CaseResult>({ handler: 'case', input })
        .then(async (outcome) => (outcome.status === 'done' ? outcome.value : stoppedCase(scenario, spec, index, await captureStopped(pool, ref, scenario, spec, index, outcome, given), given)))
        .then((result) => {
          inFlight--;
          planner?.observe(result);
          results.push(result);
          if (spec.stopOnFailure && result.repro !== undefined) lastWanted = Math.min(lastWanted, index);
          options.onCase?.(result);
          handOut();
        })
        .catch(reject);
    };
    handOut();
  });
}

/**
 * A run the watchdog stopped, run once more as a capture, whose records
 * reach this thread before it stops again: when it stopped, and after what.
 */
async function captureStopped(pool: WorkerPool, ref: ScenarioRef, scenario: AnyScenario, spec: CampaignSpec, index: number, stopped: StoppedTask, given: GivenPlan | undefined): Promise<StoppedTask> {
  const { seed, plan } = given ?? drawPlan(scenario, spec.seed, index);
  const captured = await pool.run({ handler: 'capture', input: { scenario: ref, variant: spec.variant, seed, plan, traceMode: 'hash', checkpoints: false } });
  return captured.status === 'done' ? stopped : captured;
}

type StoppedTask = Exclude<TaskOutcome<unknown>, { status: 'done' }>;

/** The case of a run the watchdog stopped: its plan as drawn (or given), the outcome it earned. */
export function stoppedCase(scenario: AnyScenario, spec: CampaignSpec, index: number, stopped: Exclude<TaskOutcome<unknown>, { status: 'done' }>, given?: GivenPlan): CaseResult {
  const { seed, plan, enabledKinds } = given ?? drawPlan(scenario, spec.seed, index);
  const outcome = watchdogOutcome(stopped);
  const signature = failureSignature(outcome)!;
  const fingerprint = fingerprintText(signature, plan);
  return {
    index,
    seed,
    enabledKinds,
    plan,
    planSize: plan.faults.length,
    origin: given?.origin ?? DRAWN,
    outcome,
    events: 0,
    simulatedMs: outcome.atMs,
    faultsFired: {},
    faultsEffective: {},
    states: [],
    transitions: [],
    pairs: [],
    stateFirstMs: {},
    sometimesReached: [],
    progress: null,
    repro: { signature, fingerprint, fingerprintId: fingerprintId(fingerprint), plan, oneMinimal: false, outcome, traceHash: hashOf(stopped.records), events: 0, simulatedMs: outcome.atMs, shrinkRuns: 0 },
  };
}

/** The typed outcome of a run the watchdog stopped. */
export function watchdogOutcome(stopped: Exclude<TaskOutcome<unknown>, { status: 'done' }>): ModelHang | ResourceExhausted | ModelCrash {
  const last = stopped.records[stopped.records.length - 1];
  const atMs = Math.max(last?.atMs ?? 0, stopped.virtualNowMs);
  const where = `${atMs > 0 ? `, at t=${atMs}ms` : ''}${last === undefined ? '' : `; the last record before it: t=${last.atMs}ms ${last.node} ${last.kind}: ${last.detail.slice(0, 120)}`}`;
  if (stopped.status === 'memory') return { kind: 'resource-exhausted', resource: 'memory', atMs, limitMb: stopped.memoryMb, detail: `${stopped.detail}${where}` };
  if (stopped.status === 'hang') return { kind: 'model-hang', atMs, budgetMs: stopped.runTimeoutMs, detail: `${stopped.detail}: a model never returned (a loop in an action?)${where}` };
  return { kind: 'model-crash', node: 'sim', atMs, message: stopped.detail };
}

/** The trace hash of the records a capture sent, as a run of them would have it. */
export function hashOf(records: readonly TraceRecord[]): string {
  const trace = new Trace('hash');
  for (const r of records) trace.record(r.atMs, r.node, r.kind, r.peer, r.detail);
  return trace.hash;
}
