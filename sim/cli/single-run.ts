/**
 * `--scenario ID --plan FILE`: one run of a given fault plan (with
 * `--self-check`, two runs compared).
 */
import { readFileSync } from 'node:fs';
import type { FaultPlan } from '../kernel/faults.ts';
import { describeOutcome } from '../kernel/outcome.ts';
import { InputError, parsePlanText } from '../kernel/plan-file.ts';
import { KERNEL_VERSION, run, type RunResult } from '../kernel/run.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import type { LoadedScenario } from '../load/scenario-module.ts';
import { displayPath } from '../load/scenario-module.ts';
import { CLI } from '../identity.ts';
import type { Settings } from './settings.ts';
import { selfCheck } from '../kernel/self-check.ts';
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

export function singleRun(entry: LoadedScenario, options: CliOptions, settings: Settings, planPath: string): number {
  const { scenario } = entry;
  const variant = options.variant ?? 'buggy';
  if (!Object.prototype.hasOwnProperty.call(scenario.variants, variant)) {
    throw new InputError(`scenario ${scenario.id} has no variant '${variant}' (it has: ${Object.keys(scenario.variants).join(', ')})`);
  }
  const seed = settings.seed;
  const plan = readPlan(planPath, scenario, variant);
  const replayLine = `replay: ${CLI} run ${displayPath(entry.file)} --scenario ${scenario.id} --variant ${variant} --seed ${seed} --plan ${planPath}`;
  process.stderr.write(`${scenario.id} variant=${variant} seed=${seed} faults=${plan.faults.length} kernel=v${KERNEL_VERSION}\n`);
  if (options.selfCheck) return selfCheckRun(scenario, variant, seed, options, plan);
  const result = run(scenario, variant, seed, plan, { traceMode: options.trace ? 'full' : 'hash' });
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

function selfCheckRun(scenario: AnyScenario, variant: string, seed: number, options: CliOptions, plan: FaultPlan): number {
  const check = selfCheck(scenario, variant, seed, plan);
  const divergence = check.divergence;
  if (options.json) {
    process.stdout.write(stableStringify({ ...runSummary(check.first, false), selfCheck: divergence ?? 'identical' }) + '\n');
  } else if (divergence === undefined) {
    process.stdout.write(`self-check: two runs identical (trace ${check.first.traceHash}, ${check.first.traceLength} records)\n`);
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
