/**
 * `npm run bench:cost`: what one campaign run costs, item by item (actor
 * creation, world build, guard, plan generation, invariant checks, trace
 * records, network bookkeeping, ...), on the canary's and the 503 blip's
 * fixed variants, or on the fixed variants of the scenarios named as
 * arguments (`npm run -s bench:cost -- dmsg/registration-timeout`): a
 * campaign's ordinary runs (draw a plan, run it; nothing fails, so nothing
 * shrinks).
 *
 * Two passes per scenario. The timing pass runs BENCH_COST_RUNS campaign
 * runs BENCH_ROUNDS times and takes the median wall time per run. The
 * profile pass runs them once more under V8's sampling profiler (in this
 * process, through node:inspector) and splits the samples by item (see
 * cost-categories.ts); an item's µs per run is its share of the samples
 * times the timing pass's wall time per run, since the profiler's own
 * overhead inflates every item alike.
 *
 * Beside each scenario's simulated/wall, the most it could reach on this
 * thread if a run cost nothing but xstate's own work (its transitions and
 * actor creation; the collection of its garbage not counted, so the true
 * bound is lower): what no change to the kernel, the models' code or the
 * invariants can beat, only fewer events or a faster xstate.
 *
 * The last line of stdout is one JSON document:
 * `{ "<scenario>": { runsPerSec, usPerRun, eventsPerRun, usPerEvent, simulatedPerWall, xstateBoundSimulatedPerWall, items: { "<item>": { share, usPerRun } } } }`.
 */
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import canary from '../../scenarios/canary/lease.scenario.ts';
import blip from '../../scenarios/tunnel/api-503-blip.scenario.ts';
import { exploreRun } from '../explore/explore-run.ts';
import { tuneGarbageCollectorForRuns } from '../explore/gc-tuning.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import { openProject } from '../load/config.ts';
import { discoverScenarios } from '../load/discover.ts';
import { COST_ITEMS, costItem, type CostItem, type ProfileFrame } from './cost-categories.ts';

// The process runs campaigns as the command line's workers do (see gc-tuning.ts); the same for every side measured here.
tuneGarbageCollectorForRuns();

const RUNS = Number(process.env.BENCH_COST_RUNS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Sampling interval of the profile pass: 50 µs gives some 100 samples per canary run. */
const SAMPLING_INTERVAL_US = 50;
const CAMPAIGN_SEED = 1;

interface ProfileNode {
  readonly id: number;
  readonly callFrame: ProfileFrame;
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The campaign's runs, once: kernel events and simulated ms, summed over them. */
function runCampaign(scenario: AnyScenario): { events: number; simulatedMs: number } {
  let events = 0;
  let simulatedMs = 0;
  for (let index = 0; index < RUNS; index++) {
    const run = exploreRun(scenario, 'fixed', CAMPAIGN_SEED, index, { maxShrinkRuns: 0 });
    events += run.events;
    simulatedMs += run.simulatedMs;
  }
  return { events, simulatedMs };
}

/** The items that are xstate's own work (see cost-categories.ts). */
const XSTATE_ITEMS: readonly CostItem[] = ['xstate transitions', 'actor creation'];

const median = (xs: readonly number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Sampled time by item, as shares of the whole. */
function shares(profile: Profile): Map<CostItem, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const itemOf = new Map<number, CostItem>();
  const resolve = (id: number): CostItem => {
    const known = itemOf.get(id);
    if (known !== undefined) return known;
    const up = parent.get(id);
    const item = costItem(byId.get(id)!.callFrame, up === undefined ? undefined : resolve(up));
    itemOf.set(id, item);
    return item;
  };
  const time = new Map<CostItem, number>(COST_ITEMS.map((item) => [item, 0]));
  let total = 0;
  // The inspector's own `dispatch` (Profiler.start and stop) is no part of a run.
  const isInspector = (id: number) => byId.get(id)!.callFrame.functionName === 'dispatch' && byId.get(id)!.callFrame.url === '';
  profile.samples.forEach((id, i) => {
    if (isInspector(id)) return;
    const dt = profile.timeDeltas[i] ?? 0;
    const item = resolve(id);
    time.set(item, time.get(item)! + dt);
    total += dt;
  });
  if (process.env.BENCH_COST_DEBUG !== undefined) {
    const selfByFrame = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      if (isInspector(id)) return;
      const n = byId.get(id)!;
      const key = `${resolve(id)} | ${n.callFrame.functionName} ${n.callFrame.url.replace(/.*\//, '')}`;
      selfByFrame.set(key, (selfByFrame.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    for (const [key, t] of [...selfByFrame].sort((a, b) => b[1] - a[1]).slice(0, 60)) process.stderr.write(`    ${((100 * t) / total).toFixed(1)}% ${key}\n`);
  }
  return new Map([...time].map(([item, t]) => [item, total === 0 ? 0 : t / total]));
}

async function measure(scenario: AnyScenario, session: Session) {
  runCampaign(scenario); // warm-up: JIT, module caches
  const perRunUs: number[] = [];
  let events = 0;
  let simulatedMs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    ({ events, simulatedMs } = runCampaign(scenario));
    perRunUs.push(((performance.now() - start) * 1000) / RUNS);
    process.stderr.write(`${scenario.id} round ${round + 1}/${ROUNDS}: ${perRunUs[round]!.toFixed(0)} µs per run\n`);
  }
  await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  await session.post('Profiler.start');
  runCampaign(scenario);
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  const usPerRun = median(perRunUs);
  const items: Record<string, { share: number; usPerRun: number }> = {};
  for (const [item, share] of [...shares(profile)].sort((a, b) => b[1] - a[1])) {
    items[item] = { share: Math.round(share * 1000) / 1000, usPerRun: Math.round(share * usPerRun) };
  }
  const eventsPerRun = events / RUNS;
  const simulatedUsPerRun = (simulatedMs / RUNS) * 1000;
  const xstateUsPerRun = XSTATE_ITEMS.reduce((sum, item) => sum + (items[item]?.usPerRun ?? 0), 0);
  return {
    runsPerSec: Math.round(1e6 / usPerRun),
    usPerRun: Math.round(usPerRun),
    eventsPerRun: Math.round(eventsPerRun),
    usPerEvent: Math.round((usPerRun / eventsPerRun) * 100) / 100,
    simulatedPerWall: Math.round(simulatedUsPerRun / usPerRun),
    xstateBoundSimulatedPerWall: xstateUsPerRun === 0 ? null : Math.round(simulatedUsPerRun / xstateUsPerRun),
    items,
  };
}

/** The scenarios named on the command line (from this repository's library), or the canary and the 503 blip. */
async function scenariosToMeasure(ids: readonly string[]): Promise<AnyScenario[]> {
  if (ids.length === 0) return [canary, blip] as AnyScenario[];
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const project = await openProject(root);
  const set = await discoverScenarios(project.config!.scenarios, root);
  return ids.map((id) => {
    const entry = set.entries.find((e) => e.scenario.id === id);
    if (entry === undefined) {
      process.stderr.write(`bench:cost: no scenario '${id}' in this repository's library\n`);
      process.exit(2);
    }
    return entry.scenario as AnyScenario;
  });
}

const scenarios = await scenariosToMeasure(process.argv.slice(2));
const session = new Session();
session.connect();
await session.post('Profiler.enable');
const result: Record<string, Awaited<ReturnType<typeof measure>>> = {};
for (const scenario of scenarios) {
  const row = await measure(scenario, session);
  result[scenario.id] = row;
  process.stderr.write(`${scenario.id}: ${row.usPerRun} µs per run (${row.runsPerSec} runs/s), ${row.eventsPerRun} events, ${row.usPerEvent} µs per event\n`);
  const bound = row.xstateBoundSimulatedPerWall === null ? 'no xstate work sampled' : `at most ${row.xstateBoundSimulatedPerWall}x if a run were xstate's own work alone`;
  process.stderr.write(`  simulated/wall ${row.simulatedPerWall}x on this thread; ${bound}\n`);
  for (const [item, { share, usPerRun }] of Object.entries(row.items)) {
    if (share > 0) process.stderr.write(`  ${item.padEnd(20)} ${(share * 100).toFixed(1).padStart(5)} %  ${String(usPerRun).padStart(6)} µs\n`);
  }
}
session.disconnect();
process.stdout.write(JSON.stringify(result) + '\n');
