/**
 * `npm run -s bench:ab -- <other checkout> [scenario ...]`: this tree against
 * another checkout of the testbed (a git worktree of an older commit, say),
 * in one process. Both trees' `exploreRun` and scenario files are imported,
 * and the same campaign runs alternate between them round by round, the
 * order flipped each round, so the machine's drift between minutes (up to
 * 1.7x on the 2-core VMs this was written on) falls on both alike. Separate
 * processes a minute apart cannot separate a 5 % change from that drift.
 *
 * Each scenario runs its fixed variant. Prints µs per run for each tree, the speed-up (the other tree's time over
 * this one's: above 1, this tree is faster), and whether both ran the same
 * kernel events, which a change meant to keep traces must.
 *
 * The other checkout needs its dependencies: `npm ci` there, or a link to
 * this tree's `node_modules`. Scenarios default to
 * `dmsg/registration-timeout`. BENCH_AB_RUNS (30) runs a round, BENCH_ROUNDS
 * (10) rounds, after WARM_UP_RUNS runs of each tree.
 *
 * The last line of stdout is one JSON document:
 * `{ "<scenario>": { thisUsPerRun, otherUsPerRun, speedup, sameEvents } }`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tuneGarbageCollectorForRuns } from '../explore/gc-tuning.ts';

// As the command line's workers run campaigns (see gc-tuning.ts); process-wide, so the same for both trees.
tuneGarbageCollectorForRuns();

const RUNS = wholeFromEnv('BENCH_AB_RUNS', 30);
const ROUNDS = wholeFromEnv('BENCH_ROUNDS', 10);
const CAMPAIGN_SEED = 1;
/** Runs of each tree before the measured rounds: the JIT has settled on a fleet scenario after a few dozen. */
const WARM_UP_RUNS = 40;
/** Warm-up runs use other plan indices than the measured ones. */
const WARM_UP_FIRST_INDEX = 1_000;

type ExploreRun = (scenario: unknown, variant: string, campaignSeed: number, index: number, options: { maxShrinkRuns: number }) => { events: number };

interface Side {
  readonly exploreRun: ExploreRun;
  readonly scenario: unknown;
  totalMs: number;
  readonly events: number[];
}

function refuse(message: string): never {
  process.stderr.write(`bench:ab: ${message}\n`);
  process.exit(2);
}

function wholeFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isSafeInteger(value) && value > 0 ? value : refuse(`${name} must be a whole number above 0, got '${process.env[name]}'`);
}

const thisTree = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const [otherArg, ...ids] = process.argv.slice(2);
if (otherArg === undefined || otherArg.startsWith('-')) refuse('usage: npm run -s bench:ab -- <other checkout> [scenario ...]');
const otherTree = path.resolve(otherArg);
if (!existsSync(path.join(otherTree, 'sim/explore/explore-run.ts'))) refuse(`${otherTree} is no checkout of the testbed (no sim/explore/explore-run.ts)`);
if (!existsSync(path.join(otherTree, 'node_modules'))) refuse(`${otherTree} has no node_modules: run npm ci there, or link this tree's`);
const scenarioIds = ids.length > 0 ? ids : ['dmsg/registration-timeout'];
for (const tree of [thisTree, otherTree]) {
  for (const id of scenarioIds) if (!existsSync(scenarioFile(tree, id))) refuse(`no scenario '${id}' in ${tree} (looked for ${scenarioFile(tree, id)})`);
}

function scenarioFile(tree: string, id: string): string {
  return path.join(tree, 'scenarios', `${id}.scenario.ts`);
}

async function side(tree: string, id: string): Promise<Side> {
  const { exploreRun } = (await import(pathToFileURL(path.join(tree, 'sim/explore/explore-run.ts')).href)) as { exploreRun: ExploreRun };
  const scenario = ((await import(pathToFileURL(scenarioFile(tree, id)).href)) as { default: unknown }).default;
  return { exploreRun, scenario, totalMs: 0, events: [] };
}

function warmUp(s: Side): void {
  for (let i = 0; i < WARM_UP_RUNS; i++) s.exploreRun(s.scenario, 'fixed', CAMPAIGN_SEED, WARM_UP_FIRST_INDEX + i, { maxShrinkRuns: 0 });
}

/** One measured round: the campaign's first RUNS runs; the first round keeps each run's event count. */
function round(s: Side, first: boolean): void {
  const start = performance.now();
  for (let i = 0; i < RUNS; i++) {
    const { events } = s.exploreRun(s.scenario, 'fixed', CAMPAIGN_SEED, i, { maxShrinkRuns: 0 });
    if (first) s.events.push(events);
  }
  s.totalMs += performance.now() - start;
}

const result: Record<string, { thisUsPerRun: number; otherUsPerRun: number; speedup: number; sameEvents: boolean }> = {};
for (const id of scenarioIds) {
  const sides = [await side(thisTree, id), await side(otherTree, id)] as const;
  for (const s of sides) warmUp(s);
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of r % 2 === 0 ? sides : [sides[1], sides[0]]) round(s, r === 0);
    process.stderr.write(`${id} round ${r + 1}/${ROUNDS}\n`);
  }
  const [mine, other] = sides.map((s) => (s.totalMs * 1000) / (ROUNDS * RUNS));
  const sameEvents = sides[0].events.every((events, i) => events === sides[1].events[i]);
  result[id] = { thisUsPerRun: Math.round(mine!), otherUsPerRun: Math.round(other!), speedup: Math.round((other! / mine!) * 1000) / 1000, sameEvents };
  process.stderr.write(`${id}: this tree ${result[id]!.thisUsPerRun} µs a run, ${otherTree} ${result[id]!.otherUsPerRun} µs: ${result[id]!.speedup}x${sameEvents ? '' : ' (the trees ran different events)'}\n`);
}
process.stdout.write(JSON.stringify(result) + '\n');
