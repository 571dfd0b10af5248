/**
 * `npm run bench:sim-wall`: how much faster than real time each scenario of
 * the incident library simulates, on one thread. For every scenario's
 * `holds` variants: BENCH_SIM_WALL_RUNS campaign runs (seed 1, runs 0..N-1,
 * the plans a campaign draws), after at least BENCH_SIM_WALL_WARMUP runs
 * and BENCH_SIM_WALL_WARMUP_MS of warm-up, serially on this thread; simulated ms over wall ms, with ms and
 * kernel events per run. A campaign on W workers multiplies it by about
 * the speed-up `npm run bench:explore` measures.
 *
 * Target (issue 19): every fixed variant at least 10,000x. The last line
 * of stdout is one JSON document:
 * `{ "scenarios": { "<id> <variant>": { simulatedPerWall, msPerRun, eventsPerRun, usPerEvent } }, "target", "below" }`.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { exploreRun } from '../explore/explore-run.ts';
import { tuneGarbageCollectorForRuns } from '../explore/gc-tuning.ts';
import { expectationsOf } from '../kernel/scenario.ts';
import { openProject } from '../load/config.ts';
import { discoverScenarios } from '../load/discover.ts';

// The process runs campaigns as the command line's workers do (see gc-tuning.ts).
tuneGarbageCollectorForRuns();

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.BENCH_SIM_WALL_RUNS ?? 30);
const WARMUP = Number(process.env.BENCH_SIM_WALL_WARMUP ?? 5);
/** Five runs of the canary (12 ms each, cold) left it at a fifth of its speed; a second of runs does not. */
const WARMUP_MS = Number(process.env.BENCH_SIM_WALL_WARMUP_MS ?? 1000);
const SEED = 1;
/** Issue 19's target for every fixed variant. */
const TARGET = 10_000;

interface Row {
  readonly simulatedPerWall: number;
  readonly msPerRun: number;
  readonly eventsPerRun: number;
  readonly usPerEvent: number;
}

const project = await openProject(ROOT);
const set = await discoverScenarios(project.config!.scenarios, ROOT);
const rows: Record<string, Row> = {};
for (const { scenario } of set.entries) {
  if (scenario.faultSpace === undefined) continue;
  for (const { variant, expect } of expectationsOf(scenario)) {
    if (expect !== 'holds') continue;
    // Warm-up on runs the measurement does not repeat, so no cache of a plan helps it: at least
    // WARMUP runs and WARMUP_MS of them, for the JIT to compile this scenario's models.
    const warmStart = performance.now();
    for (let index = 0; index < WARMUP || performance.now() - warmStart < WARMUP_MS; index++) exploreRun(scenario, variant, SEED, RUNS + index, { maxShrinkRuns: 0 });
    let simulatedMs = 0;
    let events = 0;
    const start = performance.now();
    for (let index = 0; index < RUNS; index++) {
      const result = exploreRun(scenario, variant, SEED, index, { maxShrinkRuns: 0 });
      simulatedMs += result.simulatedMs;
      events += result.events;
    }
    const wallMs = performance.now() - start;
    const key = `${scenario.id} ${variant}`;
    const row: Row = {
      simulatedPerWall: Math.round(simulatedMs / wallMs),
      msPerRun: Math.round((wallMs / RUNS) * 100) / 100,
      eventsPerRun: Math.round(events / RUNS),
      usPerEvent: Math.round(((wallMs * 1000) / events) * 100) / 100,
    };
    rows[key] = row;
    process.stderr.write(`${key}: ${row.simulatedPerWall}x (${row.msPerRun} ms and ${row.eventsPerRun} events a run, ${row.usPerEvent} µs an event)\n`);
  }
}
const below = Object.entries(rows)
  .filter(([, row]) => row.simulatedPerWall < TARGET)
  .map(([key]) => key);
process.stdout.write(JSON.stringify({ runs: RUNS, scenarios: rows, target: TARGET, below }) + '\n');
