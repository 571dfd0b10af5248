/**
 * `npm run sim`: the testbed's command line. Reads flags, runs what they ask
 * for, and exits with a code typed by outcome (see `--help`). Bad input is
 * one line on stderr and exit 2, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { findScenario, SCENARIOS } from '../../scenarios/index.ts';
import { describeOutcome, KERNEL_VERSION, run, variantNames, type FaultPlan, type Outcome, type RunResult } from '../index.ts';
import { InputError, parsePlanText } from '../plan-file.ts';
import type { AnyScenario } from '../scenario.ts';
import { selfCheck } from '../self-check.ts';
import type { TraceRecord } from '../trace.ts';
import { EXIT, HELP, parseCli, type CliOptions } from './args.ts';
import { stableStringify } from './json.ts';

function main(argv: readonly string[]): number {
  const options = parseCli(argv);
  if (options.help) {
    process.stdout.write(HELP);
    return EXIT.pass;
  }
  if (options.list) return list(options.json);
  if (options.scenario === undefined) {
    process.stderr.write('No scenario given. Pick one with --scenario ID (see --list) or read --help.\n\n');
    return list(options.json);
  }
  const scenario = findScenario(options.scenario);
  if (scenario === undefined) {
    throw new InputError(`unknown scenario '${options.scenario}' (known: ${SCENARIOS.map((s) => s.id).join(', ')})`);
  }
  if (!(options.variant in scenario.variants)) {
    throw new InputError(`scenario ${scenario.id} has no variant '${options.variant}' (it has: ${variantNames(scenario).join(', ')})`);
  }
  const plan = options.plan === undefined ? { faults: [] } : readPlan(options.plan, scenario, options.variant);
  return options.selfCheck ? runSelfCheck(scenario, options, plan) : runOnce(scenario, options, plan);
}

function list(json: boolean): number {
  const rows = SCENARIOS.map((s) => ({ id: s.id, title: s.title, variants: variantNames(s) }));
  if (json) process.stdout.write(stableStringify(rows) + '\n');
  else for (const row of rows) process.stdout.write(`${row.id.padEnd(32)} ${row.variants.join(', ').padEnd(24)} ${row.title}\n`);
  return EXIT.pass;
}

function readPlan(path: string, scenario: AnyScenario, variant: string): FaultPlan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read plan file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parsePlanText(text, path, scenario, variant);
}

function runOnce(scenario: AnyScenario, options: CliOptions, plan: FaultPlan): number {
  const log = (line: string) => process.stderr.write(line + '\n');
  log(`${scenario.id} variant=${options.variant} seed=${options.seed} faults=${plan.faults.length} kernel=v${KERNEL_VERSION}`);
  const result = run(scenario, options.variant, options.seed, plan, { traceMode: options.trace ? 'full' : 'hash' });
  if (options.json) {
    process.stdout.write(stableStringify(summary(result, options)) + '\n');
  } else {
    if (options.trace) for (const record of result.trace) process.stdout.write(formatRecord(record) + '\n');
    process.stdout.write(`${describeOutcome(result.outcome)}\n`);
    process.stdout.write(`trace ${result.traceHash}, ${result.events} events, ${result.simulatedMs} simulated ms\n`);
  }
  log(`replay: ${replayCommand(scenario, options)}`);
  return exitCode(result.outcome);
}

function runSelfCheck(scenario: AnyScenario, options: CliOptions, plan: FaultPlan): number {
  const check = selfCheck(scenario, options.variant, options.seed, plan);
  const divergence = check.divergence;
  if (options.json) {
    process.stdout.write(stableStringify({ ...summary(check.first, options), selfCheck: divergence === undefined ? 'identical' : divergence }) + '\n');
  } else if (divergence === undefined) {
    process.stdout.write(`self-check: two runs identical (trace ${check.first.traceHash}, ${check.first.traceLength} records)\n`);
  } else {
    process.stdout.write(`self-check: runs differ at record ${divergence.index}\n`);
    process.stdout.write(`  first:  ${divergence.first ? formatRecord(divergence.first) : '(trace ended)'}\n`);
    process.stdout.write(`  second: ${divergence.second ? formatRecord(divergence.second) : '(trace ended)'}\n`);
  }
  return divergence === undefined ? EXIT.pass : EXIT.nondeterminism;
}

function summary(result: RunResult, options: CliOptions): Record<string, unknown> {
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
    ...(options.trace ? { trace: result.trace } : {}),
  };
}

function formatRecord(r: TraceRecord): string {
  const peer = r.peer === '' ? '' : ` ${r.kind === 'send' ? '->' : '<-'} ${r.peer}`;
  return `${String(r.atMs).padStart(9)}ms #${r.index} ${r.node} ${r.kind}${peer}: ${r.detail}`;
}

function replayCommand(scenario: AnyScenario, options: CliOptions): string {
  const plan = options.plan === undefined ? '' : ` --plan ${options.plan}`;
  return `npm run sim -- --scenario ${scenario.id} --variant ${options.variant} --seed ${options.seed}${plan}`;
}

export function exitCode(outcome: Outcome): number {
  switch (outcome.kind) {
    case 'pass':
      return EXIT.pass;
    case 'safety-violation':
    case 'liveness-violation':
      return EXIT.violation;
    case 'nondeterminism':
      return EXIT.nondeterminism;
    case 'model-crash':
      return EXIT.modelCrash;
    case 'budget-exceeded':
      return EXIT.budgetExceeded;
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (error instanceof InputError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = EXIT.badInput;
  } else {
    throw error;
  }
}
