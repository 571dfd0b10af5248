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

export function singleRun(scenario: AnyScenario, options: CliOptions, planPath: string): number {
  const plan = readPlan(planPath, scenario, options.variant);
  const replayLine = `replay: npm run sim -- --scenario ${scenario.id} --variant ${options.variant} --seed ${options.seed} --plan ${planPath}`;
  process.stderr.write(`${scenario.id} variant=${options.variant} seed=${options.seed} faults=${plan.faults.length} kernel=v${KERNEL_VERSION}\n`);
  if (options.selfCheck) return selfCheckRun(scenario, options, plan);
  const result = run(scenario, options.variant, options.seed, plan, { traceMode: options.trace ? 'full' : 'hash' });
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

function selfCheckRun(scenario: AnyScenario, options: CliOptions, plan: FaultPlan): number {
  const check = selfCheck(scenario, options.variant, options.seed, plan);
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
