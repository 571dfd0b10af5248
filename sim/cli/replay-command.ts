/**
 * `--replay FILE [--emit-test]`: replays a repro file and checks it gives
 * the recorded trace; optionally writes a regression test for it.
 */
import { basename, join, relative } from 'node:path';
import type { Project } from '../load/config.ts';
import { resolverFor } from '../load/resolve-scenario.ts';
import { describeOutcome } from '../kernel/outcome.ts';
import { KERNEL_VERSION } from '../kernel/run.ts';
import { regressionTestSource } from '../repro/emit-test.ts';
import { readReproFile } from '../repro/repro-file.ts';
import { corruptHash, describeDivergence } from '../repro/replay.ts';
import { replayOnPool } from './run-on-pool.ts';
import { openPool, type EngineSettings } from './engine.ts';
import type { WorkerPool } from '../explore/pool/pool.ts';
import { learnFactsOnPool } from '../explore/pool/learn-facts.ts';
import { scenarioFileOf } from '../kernel/scenario-file.ts';
import { InputError } from '../kernel/plan-file.ts';
import { EXIT, type CliOptions } from './args.ts';
import { writeFileAtomic } from '../repro/files.ts';
import { formatPlan, formatRecord } from './format.ts';
import { stableStringify } from '../kernel/stable-json.ts';
import { exitCode } from './outcome-exit.ts';

/** Where emitted regression tests go, under the project root (vitest picks up `*.test.ts` there). */
export const REGRESSION_DIR = 'test/regressions';

export async function replayCommand(path: string, options: CliOptions, project: Project): Promise<number> {
  const engine = { workers: 1, runTimeoutMs: options.runTimeoutMs, runMemoryMb: options.runMemoryMb };
  const pool = openPool(engine);
  try {
    return await replayWith(pool, path, options, project, engine);
  } finally {
    await pool.close();
  }
}

async function replayWith(pool: WorkerPool, path: string, options: CliOptions, project: Project, engine: EngineSettings): Promise<number> {
  // The plan is checked against node ids the scenario's build gives: learned in a worker, as every build is.
  const resolve = resolverFor(project);
  const { repro, scenario } = await readReproFile(path, async (id, file) => {
    const found = await resolve(id, file);
    if (found !== undefined) await learnFactsOnPool(pool, { file: scenarioFileOf(found) ?? '', id }, found);
    return found;
  });
  const corrupt = corruptHash(repro);
  if (corrupt !== undefined) throw new InputError(`${path}: ${corrupt}`);
  process.stderr.write(`replay ${scenario.id} variant=${repro.variant} seed=${repro.seed} faults=${repro.plan.faults.length} recorded with kernel v${repro.kernelVersion}\n`);
  if (repro.kernelVersion !== KERNEL_VERSION) {
    process.stderr.write(`warning: recorded with kernel v${repro.kernelVersion}, replaying on v${KERNEL_VERSION}: the trace may differ\n`);
  }
  const replayed = await replayOnPool(repro, scenarioFileOf(scenario) ?? '', scenario.id, engine, pool);
  const files: string[] = [];
  if (options.emitTest && replayed.identical) files.push(...emitTest(path, repro, project.root));
  if (options.json) {
    process.stdout.write(
      stableStringify({
        scenario: scenario.id,
        variant: repro.variant,
        seed: repro.seed,
        identical: replayed.identical,
        traceHash: replayed.result.traceHash,
        expectedTraceHash: repro.expected.traceHash,
        outcome: replayed.result.outcome,
        divergence: replayed.divergence ?? null,
        files,
        ...(options.trace ? { trace: replayed.result.trace } : {}),
      }) + '\n',
    );
  } else {
    if (options.trace) for (const record of replayed.result.trace) process.stdout.write(formatRecord(record) + '\n');
    process.stdout.write(['plan:', ...formatPlan(repro.plan)].join('\n') + '\n');
    process.stdout.write(describeOutcome(replayed.result.outcome) + '\n');
    if (replayed.identical) process.stdout.write(`replayed exactly: trace ${replayed.result.traceHash}, ${replayed.result.traceLength} records\n`);
    else process.stdout.write(`${describeDivergence(replayed.divergence!)}\n(expected trace ${repro.expected.traceHash}, got ${replayed.result.traceHash})\n`);
    for (const file of files) process.stdout.write(`wrote ${file}\n`);
  }
  if (options.emitTest && !replayed.identical) process.stderr.write('no test written: the repro does not replay exactly\n');
  return replayed.identical ? exitCode(replayed.result.outcome) : EXIT.nondeterminism;
}

function emitTest(path: string, repro: Parameters<typeof regressionTestSource>[0], root: string): string[] {
  const name = basename(path).replace(/\.repro\.json$|\.json$/, '');
  const dir = relative(process.cwd(), join(root, REGRESSION_DIR)) || '.';
  const reproPath = join(dir, `${name}.repro.json`);
  const testPath = join(dir, `${name}.test.ts`);
  writeFileAtomic(reproPath, stableStringify(repro) + '\n');
  writeFileAtomic(testPath, regressionTestSource(repro, `${name}.repro.json`));
  return [reproPath, testPath];
}
