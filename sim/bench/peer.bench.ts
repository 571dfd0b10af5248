/**
 * `npm run bench:peer`: the testbed beside the plain harness a TypeScript
 * engineer would write instead (sim/bench/peer/: async classes,
 * @sinonjs/fake-timers, fast-check, an in-memory network), on the canary and
 * on `tunnel/api-503-blip`, with the same timings, fault spaces and
 * invariants, alternated in one process.
 *
 * 1. Runs per second on the fixed variants: BENCH_PEER_RUNS campaign runs
 *    (the testbed's: draw a plan, run it under the guard, check, hash; the
 *    harness's: fast-check draws a plan, the system runs on fake timers,
 *    the invariants are checked after every timer), BENCH_ROUNDS rounds,
 *    the two alternating; the ratio (testbed over harness) is the median of
 *    the per-round ratios. Target: >= 1.
 * 2. Time to a shrunk counterexample on the buggy variants, campaign seeds
 *    1..BENCH_PEER_SEEDS: the testbed's campaign to its first failure and
 *    its 1-minimal plan; fast-check's `check` on the harness's property to
 *    its counterexample, shrunk. Which goes first alternates by seed; the
 *    ratio (testbed over harness) is the median of the per-seed ratios.
 *    Target: <= 1.
 *
 * Both run on this thread, serially: what a run and a shrink cost, not how
 * many cores a tool can use. The last line of stdout is one JSON document.
 */
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import canary from '../../scenarios/canary/lease.scenario.ts';
import blip from '../../scenarios/tunnel/api-503-blip.scenario.ts';
import { runCases } from '../explore/campaign.ts';
import { exploreRun } from '../explore/explore-run.ts';
import { tuneGarbageCollectorForRuns } from '../explore/gc-tuning.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import { canaryPlan, runCanary } from './peer/canary.ts';
import { runTunnel, tunnelPlan } from './peer/tunnel.ts';

// The process runs campaigns as the command line's workers do (see gc-tuning.ts); the same for every side measured here.
tuneGarbageCollectorForRuns();

const RUNS = Number(process.env.BENCH_PEER_RUNS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SEEDS = Number(process.env.BENCH_PEER_SEEDS ?? 20);
/** Runs either side may take to find a bug: far more than either needs (both find both within a few dozen). */
const FIND_BUDGET = 1000;
/** The command line's shrink budget (sim/cli/run-campaign.ts). */
const MAX_SHRINK_RUNS = 500;

interface Pair {
  readonly label: string;
  readonly scenario: AnyScenario;
  readonly harness: (variant: 'buggy' | 'fixed', plan: never, seed: number) => Promise<unknown>;
  readonly plan: fc.Arbitrary<unknown>;
}

const PAIRS: Pair[] = [
  { label: 'canary', scenario: canary as AnyScenario, harness: runCanary as Pair['harness'], plan: canaryPlan },
  { label: 'api-503-blip', scenario: blip as AnyScenario, harness: runTunnel as Pair['harness'], plan: tunnelPlan },
];

const median = (xs: readonly number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round2 = (x: number): number => Math.round(x * 100) / 100;

function testbedRuns(pair: Pair, runs: number): number {
  const start = performance.now();
  for (let index = 0; index < runs; index++) exploreRun(pair.scenario, 'fixed', 1, index, { maxShrinkRuns: MAX_SHRINK_RUNS });
  return performance.now() - start;
}

/** The harness's property: the run keeps every invariant. The network's seed is drawn too, and not shrunk. */
function property(pair: Pair, variant: 'buggy' | 'fixed', onRun: () => void) {
  return fc.asyncProperty(pair.plan, fc.noShrink(fc.nat()), async (plan, seed) => {
    onRun();
    return (await pair.harness(variant, plan as never, seed)) === null;
  });
}

async function harnessRuns(pair: Pair, runs: number): Promise<number> {
  const start = performance.now();
  const details = await fc.check(property(pair, 'fixed', () => {}), { numRuns: runs, seed: 1 });
  if (details.failed) throw new Error(`the harness's fixed ${pair.label} failed: ${JSON.stringify(details.counterexample)}`);
  return performance.now() - start;
}

async function rates(pair: Pair) {
  // Warm-up, a whole round each: the testbed has more code for the JIT to
  // tier up than the harness, and its rate still climbed after 50 runs.
  testbedRuns(pair, RUNS);
  await harnessRuns(pair, RUNS);
  const testbed: number[] = [];
  const harness: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    testbed.push(RUNS / (testbedRuns(pair, RUNS) / 1000));
    harness.push(RUNS / ((await harnessRuns(pair, RUNS)) / 1000));
    process.stderr.write(`${pair.label} fixed round ${round + 1}/${ROUNDS}: testbed ${testbed[round]!.toFixed(0)} runs/s, harness ${harness[round]!.toFixed(0)} runs/s\n`);
  }
  return { testbedRunsPerSec: Math.round(median(testbed)), harnessRunsPerSec: Math.round(median(harness)), ratio: round2(median(testbed.map((t, i) => t / harness[i]!))) };
}

interface Shrunk {
  readonly found: boolean;
  readonly ms: number;
  readonly runsToFailure: number;
  readonly shrinkRuns: number;
  readonly planSize: number;
}

function testbedShrunk(pair: Pair, seed: number): Shrunk {
  const start = performance.now();
  const cases = runCases(pair.scenario, { scenario: pair.scenario.id, variant: 'buggy', seed, runs: FIND_BUDGET, stopOnFailure: true, maxShrinkRuns: MAX_SHRINK_RUNS });
  const ms = performance.now() - start;
  const failing = cases.find((c) => c.repro !== undefined);
  return { found: failing !== undefined, ms, runsToFailure: cases.length, shrinkRuns: failing?.repro?.shrinkRuns ?? 0, planSize: failing?.repro?.plan.faults.length ?? 0 };
}

async function harnessShrunk(pair: Pair, seed: number): Promise<Shrunk> {
  let runs = 0;
  const start = performance.now();
  const details = await fc.check(
    property(pair, 'buggy', () => runs++),
    { numRuns: FIND_BUDGET, seed },
  );
  const ms = performance.now() - start;
  const plan = details.counterexample?.[0] as unknown[] | undefined;
  return { found: details.failed, ms, runsToFailure: details.numRuns, shrinkRuns: runs - details.numRuns, planSize: plan?.length ?? 0 };
}

async function shrunk(pair: Pair) {
  testbedShrunk(pair, SEEDS + 1);
  await harnessShrunk(pair, SEEDS + 1); // warm-up
  const testbed: Shrunk[] = [];
  const harness: Shrunk[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    if (seed % 2 === 1) {
      testbed.push(testbedShrunk(pair, seed));
      harness.push(await harnessShrunk(pair, seed));
    } else {
      harness.push(await harnessShrunk(pair, seed));
      testbed.push(testbedShrunk(pair, seed));
    }
    const [t, h] = [testbed[seed - 1]!, harness[seed - 1]!];
    process.stderr.write(
      `${pair.label} buggy seed ${seed}: testbed ${t.ms.toFixed(0)} ms (run ${t.runsToFailure}, ${t.shrinkRuns} shrinking, ${t.planSize} fault(s)); ` +
        `harness ${h.ms.toFixed(0)} ms (run ${h.runsToFailure}, ${h.shrinkRuns} shrinking, ${h.planSize} fault(s))\n`,
    );
  }
  const side = (xs: Shrunk[]) => ({
    found: xs.filter((x) => x.found).length,
    medianMs: round2(median(xs.map((x) => x.ms))),
    medianRunsToFailure: median(xs.map((x) => x.runsToFailure)),
    medianShrinkRuns: median(xs.map((x) => x.shrinkRuns)),
    medianPlanSize: median(xs.map((x) => x.planSize)),
  });
  return { seeds: SEEDS, testbed: side(testbed), harness: side(harness), ratio: round2(median(testbed.map((t, i) => t.ms / harness[i]!.ms))) };
}

const result: Record<string, unknown> = {};
for (const pair of PAIRS) result[pair.label] = { fixed: await rates(pair), buggy: await shrunk(pair) };
process.stdout.write(JSON.stringify(result) + '\n');
