/**
 * `testScenario`: one vitest test per expectation of a scenario variant.
 */
import { test } from 'vitest';
import { runCases, summarize, type CampaignSpec, type CampaignSummary } from '../explore/campaign.ts';
import { describeOutcome } from '../kernel/outcome.ts';
import { describeFault } from '../kernel/faults.ts';
import { DEFAULT_EXPECTATIONS, type AnyScenario } from '../kernel/scenario.ts';
import { scenarioFileOf } from '../kernel/scenario-file.ts';
import { materializeHere, replayCommand, writeFindings } from '../repro/write-findings.ts';
import { projectRelative } from '../load/discover.ts';
import { projectHere } from './project-here.ts';
import { closePoolAfterAll, poolHere } from './pool-here.ts';
import { runCampaignOnPool } from '../explore/pool/run-campaign.ts';
import { learnFactsOnPool } from '../explore/pool/learn-facts.ts';
import { materializeOnPool } from '../repro/materialize-on-pool.ts';

/** What {@link testScenario} checks. */
export interface TestScenarioOptions {
  /** The variant to explore. Default `buggy`. */
  readonly variant?: string;
  /** `fails`: a run must break an invariant (the campaign stops there). `holds`: no run may. */
  readonly expect: 'fails' | 'holds';
  /** The campaign's budget of runs. Default 1000 for `fails`, 300 for `holds`. */
  readonly runs?: number;
  /** The campaign seed. Default 1, so the test does the same work every time. */
  readonly seed?: number;
  /** Where a broken expectation's repro file and report go. Default `reports/out`, under the project root. */
  readonly out?: string;
  /** The test's timeout. Default 120 s: a campaign is longer than vitest's 5 s default. */
  readonly timeoutMs?: number;
  /**
   * Run the campaign in this process rather than in a worker thread under
   * the watchdog. Only for scenario files a worker cannot load on its own
   * (ones that rely on this suite's import aliases); a model that hangs then
   * hangs the suite.
   */
  readonly inProcess?: boolean;
}

/** Most runs spent shrinking one failure (as the command line does). */
const MAX_SHRINK_RUNS = 500;
const DEFAULT_TIMEOUT_MS = 120_000;

/** Registers a vitest test that checks `options.expect` of one variant of `scenario`. */
export function testScenario(scenario: AnyScenario, options: TestScenarioOptions): void {
  const variant = options.variant ?? 'buggy';
  if (!Object.prototype.hasOwnProperty.call(scenario.variants, variant)) {
    throw new Error(`testScenario: scenario ${scenario.id} has no variant '${variant}' (it has: ${Object.keys(scenario.variants).join(', ')})`);
  }
  if (options.expect !== 'fails' && options.expect !== 'holds') throw new Error(`testScenario: expect must be 'fails' or 'holds'`);
  const seed = options.seed ?? 1;
  const runs = options.runs ?? DEFAULT_EXPECTATIONS[options.expect === 'fails' ? 'buggy' : 'fixed'].runs;
  const spec: CampaignSpec = { scenario: scenario.id, variant, seed, runs, stopOnFailure: true, maxShrinkRuns: MAX_SHRINK_RUNS };
  const file = scenarioFileOf(scenario);
  const inWorker = options.inProcess !== true && file !== undefined;
  if (inWorker) closePoolAfterAll();
  test(
    `${scenario.id} ${variant} ${options.expect} (seed ${seed}, ${runs} runs)`,
    async () => {
      if (inWorker) await learnFactsOnPool(poolHere(), { file, id: scenario.id }, scenario);
      const cases = inWorker ? await runCampaignOnPool(poolHere(), { file, id: scenario.id }, scenario, spec) : runCases(scenario, spec);
      const summary = summarize(scenario, spec, cases);
      if (options.expect === 'fails' && !summary.found) throw new Error(notFoundMessage(summary));
      if (options.expect === 'holds' && summary.found) throw new Error(await brokenMessage(scenario, summary, runs, options.out, inWorker));
    },
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  );
}

function notFoundMessage(summary: CampaignSummary): string {
  const fired = Object.entries(summary.faultsFired).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none';
  return [
    `${summary.scenario} ${summary.variant} was expected to fail, but all ${summary.runs} runs held (campaign seed ${summary.seed}).`,
    `faults fired: ${fired}`,
    ...summary.warnings.map((w) => `warning: ${w}`),
    'A bigger budget (runs), another seed, or a wider fault space may find it.',
  ].join('\n');
}

async function brokenMessage(scenario: AnyScenario, summary: CampaignSummary, budget: number, out: string | undefined, inWorker: boolean): Promise<string> {
  const project = await projectHere();
  const file = scenarioFileOf(scenario);
  const finding = summary.findings[0]!;
  const lines = [
    `${summary.scenario} ${summary.variant} was expected to hold for ${budget} runs, but run ${summary.runsToFirstFailure} (campaign seed ${summary.seed}, run seed ${finding.seed}) failed:`,
    `  ${describeOutcome(summary.outcome)}`,
  ];
  const values = 'values' in summary.outcome ? summary.outcome.values : {};
  if (Object.keys(values).length > 0) lines.push(`  values: ${JSON.stringify(values)}`);
  const plan = summary.minimalPlan!;
  lines.push(`minimal plan (${plan.faults.length} fault${plan.faults.length === 1 ? '' : 's'}, ${summary.oneMinimal ? '1-minimal: removing any one fault makes the run pass' : 'not confirmed 1-minimal'}):`);
  lines.push('  | at | fault |', '  |---|---|');
  for (const f of plan.faults) lines.push(`  | ${f.atMs} ms | ${describeFault(f)} |`);
  if (plan.faults.length === 0) lines.push('  | - | no faults: the variant fails on its own |');
  if (file === undefined) {
    lines.push('(the scenario file is unknown, so no repro file was written: declare the scenario with defineScenario in its own file)');
    return lines.join('\n');
  }
  const materialize = inWorker ? materializeOnPool(poolHere(), { file, id: scenario.id }, scenario) : materializeHere(scenario);
  const written = await writeFindings(scenario.id, projectRelative(project.root, file), summary, out ?? 'reports/out', materialize, 'holds', 'FAILED');
  lines.push(`replay: ${replayCommand(written.repros[0]!)}`);
  lines.push(`repro:  ${written.repros[0]}`);
  lines.push(`report: ${written.reports[0]}/report.md`);
  return lines.join('\n');
}
