/**
 * `--scenario ID --plan FILE`: one run of a given fault plan (with
 * `--self-check`, two runs compared).
 */
import { readFileSync } from 'node:fs';
import type { FaultPlan } from '../kernel/faults.ts';
import { describeOutcome } from '../kernel/outcome.ts';
import { InputError, parsePlanText } from '../kernel/plan-file.ts';
import { KERNEL_VERSION, type RunResult } from '../kernel/run.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import type { LoadedScenario } from '../load/scenario-module.ts';
import { displayPath } from '../load/scenario-module.ts';
import { CLI } from '../identity.ts';
import type { Settings } from './settings.ts';
import { firstDifference } from '../kernel/self-check.ts';
import { runOnPool } from './run-on-pool.ts';
import { openPool, type EngineSettings } from './engine.ts';
import type { WorkerPool } from '../explore/pool/pool.ts';
import { learnFactsOnPool } from '../explore/pool/learn-facts.ts';
import { EXIT, type CliOptions } from './args.ts';
import { formatRecord } from './format.ts';
import { stableStringify } from '../kernel/stable-json.ts';
import { exitCode } from './outcome-exit.ts';

export function readPlan(path: string, scenario: AnyScenario, variant: string): FaultPlan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read plan file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parsePlanText(text, path, scenario, variant);
}

export async function singleRun(entry: LoadedScenario, options: CliOptions, settings: Settings, planPath: string): Promise<number> {
  const { scenario } = entry;
  const variant = options.variant ?? 'buggy';
  if (!Object.prototype.hasOwnProperty.call(scenario.variants, variant)) {
    throw new InputError(`scenario ${scenario.id} has no variant '${variant}' (it has: ${Object.keys(scenario.variants).join(', ')})`);
  }
  const engine = { workers: 1, runTimeoutMs: settings.runTimeoutMs, runMemoryMb: settings.runMemoryMb };
  const pool = openPool(engine);
  try {
    // The plan is checked against node ids the scenario's build gives: learned in a worker, as every build is.
    await learnFactsOnPool(pool, { file: entry.file, id: scenario.id }, scenario);
    return await runPlan(entry, options, variant, settings.seed, readPlan(planPath, scenario, variant), planPath, pool, engine);
  } finally {
    await pool.close();
  }
}

async function runPlan(entry: LoadedScenario, options: CliOptions, variant: string, seed: number, plan: FaultPlan, planPath: string, pool: WorkerPool, engine: EngineSettings): Promise<number> {
  const { scenario } = entry;
  const replayLine = `replay: ${CLI} run ${displayPath(entry.file)} --scenario ${scenario.id} --variant ${variant} --seed ${seed} --plan ${planPath}`;
  process.stderr.write(`${scenario.id} variant=${variant} seed=${seed} faults=${plan.faults.length} kernel=v${KERNEL_VERSION}\n`);
  const single = { file: entry.file, id: scenario.id, variant, seed, plan };
  // The self-check's second run is in a fresh worker: state a module keeps between runs shows as a difference too.
  if (options.selfCheck) return selfCheckRun(await runOnPool(single, true, engine, pool), await runOnPool(single, true, engine), options);
  const result = await runOnPool(single, options.trace, engine, pool);
  if (options.json) {
    process.stdout.write(stableStringify(runSummary(result, options.trace)) + '\n');
  } else {
    if (options.trace) for (const record of result.trace) process.stdout.write(formatRecord(record) + '\n');
    process.stdout.write(`${describeOutcome(result.outcome)}\n`);
    process.stdout.write(`trace ${result.traceHash}, ${result.events} events, ${result.simulatedMs} simulated ms\n`);
  }
  process.stderr.write(replayLine + '\n');
  return exitCode(result.outcome);
}

/** Two runs of one plan, their traces compared record by record. */
function selfCheckRun(first: RunResult, second: RunResult, options: CliOptions): number {
  const index = firstDifference(first.checkpoints ?? [], second.checkpoints ?? []);
  const divergence = index === undefined ? undefined : { index, first: first.trace[index], second: second.trace[index] };
  if (options.json) {
    process.stdout.write(stableStringify({ ...runSummary(first, false), selfCheck: divergence ?? 'identical' }) + '\n');
  } else if (divergence === undefined) {
    process.stdout.write(`self-check: two runs identical (trace ${first.traceHash}, ${first.traceLength} records)\n`);
  } else {
    process.stdout.write(`self-check: runs differ at record ${divergence.index}\n`);
    process.stdout.write(`  first:  ${divergence.first ? formatRecord(divergence.first) : '(trace ended)'}\n`);
    process.stdout.write(`  second: ${divergence.second ? formatRecord(divergence.second) : '(trace ended)'}\n`);
  }
  return divergence === undefined ? EXIT.pass : EXIT.nondeterminism;
}

export function runSummary(result: RunResult, withTrace: boolean): Record<string, unknown> {
  return {
    scenario: result.scenario,
    variant: result.variant,
    seed: result.seed,
    kernelVersion: KERNEL_VERSION,
    outcome: result.outcome,
    traceHash: result.traceHash,
    events: result.events,
    simulatedMs: result.simulatedMs,
    traceLength: result.traceLength,
    faultsFired: result.faultsFired,
    coverage: result.coverage,
    sometimesReached: result.sometimesReached,
    ...(withTrace ? { trace: result.trace } : {}),
  };
}
