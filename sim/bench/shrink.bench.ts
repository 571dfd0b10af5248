/**
 * `npm run bench:shrink`: what shrinking costs on the incident library, in
 * runs (a count, the same on any machine). For every scenario's 'fails'
 * expectation, the library's own campaign (seed 1, its run budget, stop at
 * the first failure, the command line's shrink budget), and of its finding:
 * the runs spent shrinking, the plan's size as drawn and as shrunk, whether
 * it is 1-minimal, and its fingerprint (so two versions of the shrinker can
 * be seen to reach the same bug). Wall time is printed beside it, for
 * reference only.
 *
 * The last line of stdout is one JSON document:
 * `{ "scenarios": { "<id>": { runsToFailure, drawnSize, shrunkSize, shrinkRuns, oneMinimal, fingerprint, shrinkMs } }, "totalShrinkRuns", "medianShrinkRuns" }`.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runCases, type CampaignSpec } from '../explore/campaign.ts';
import { expectationsOf } from '../kernel/scenario.ts';
import { openProject } from '../load/config.ts';
import { discoverScenarios } from '../load/discover.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAX_SHRINK_RUNS = 500; // the command line's budget (sim/cli/run-campaign.ts)
const SEED = 1;

const project = await openProject(ROOT);
const set = await discoverScenarios(project.config!.scenarios, ROOT);
const rows: Record<string, { runsToFailure: number | null; drawnSize: number | null; shrunkSize: number | null; shrinkRuns: number | null; oneMinimal: boolean | null; fingerprint: string | null; shrinkMs: number }> = {};
for (const { scenario } of set.entries) {
  if (scenario.faultSpace === undefined) continue;
  for (const { variant, expect, runs } of expectationsOf(scenario)) {
    if (expect !== 'fails') continue;
    const spec: CampaignSpec = { scenario: scenario.id, variant, seed: SEED, runs, stopOnFailure: true, maxShrinkRuns: MAX_SHRINK_RUNS };
    let shrinkMs = 0;
    let started = performance.now();
    const cases = runCases(scenario, spec, {
      shouldStop: () => ((started = performance.now()), false),
      onCase: (c) => void (c.repro !== undefined && (shrinkMs = performance.now() - started)),
    });
    const failing = cases.find((c) => c.repro !== undefined);
    const key = `${scenario.id} ${variant}`;
    rows[key] = {
      runsToFailure: failing === undefined ? null : failing.index + 1,
      drawnSize: failing?.planSize ?? null,
      shrunkSize: failing?.repro?.plan.faults.length ?? null,
      shrinkRuns: failing?.repro?.shrinkRuns ?? null,
      oneMinimal: failing?.repro?.oneMinimal ?? null,
      fingerprint: failing?.repro?.fingerprint ?? null,
      shrinkMs: Math.round(shrinkMs),
    };
    const r = rows[key]!;
    process.stderr.write(`${key}: run ${r.runsToFailure}, ${r.drawnSize} -> ${r.shrunkSize} fault(s) in ${r.shrinkRuns} runs${r.oneMinimal ? ', 1-minimal' : ''} (${r.fingerprint}; ${r.shrinkMs} ms)\n`);
  }
}
const counts = Object.values(rows)
  .map((r) => r.shrinkRuns)
  .filter((n): n is number => n !== null)
  .sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ scenarios: rows, totalShrinkRuns: counts.reduce((a, b) => a + b, 0), medianShrinkRuns: counts[Math.floor(counts.length / 2)] ?? null }) + '\n');
