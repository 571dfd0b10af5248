/**
 * `run --self-check`: each run's plan run twice in one worker, the traces
 * compared record by record; exit 3 at the first difference. A time budget
 * ends it like any campaign.
 */
import type { WorkerPool } from '../explore/pool/pool.ts';
import type { SelfCheckValue } from '../explore/pool/handlers.ts';
import { watchdogOutcome } from '../explore/pool/run-campaign.ts';
import { describeOutcome } from '../kernel/outcome.ts';
import { EXIT } from './args.ts';
import { formatRecord } from './format.ts';
import type { Job } from './jobs.ts';
import { exitCode } from './outcome-exit.ts';
import { startStopwatch } from './wall-clock.ts';

export async function selfCheckJobs(pool: WorkerPool, jobs: readonly Job[], timeBudgetMs: number | undefined): Promise<number> {
  const stopwatch = startStopwatch();
  for (const { entry, spec } of jobs) {
    const { scenario } = entry;
    process.stderr.write(`self-check ${scenario.id} variant=${spec.variant} seed=${spec.seed} runs=${spec.runs}${timeBudgetMs === undefined ? '' : ` time-budget=${timeBudgetMs}ms`}\n`);
    let checked = 0;
    for (let index = 0; index < spec.runs; index++) {
      if (timeBudgetMs !== undefined && stopwatch.elapsedMs() >= timeBudgetMs) break;
      const outcome = await pool.run<SelfCheckValue>({ handler: 'selfCheck', input: { scenario: { file: entry.file, id: scenario.id }, variant: spec.variant, campaignSeed: spec.seed, index } });
      if (outcome.status !== 'done') {
        const stopped = watchdogOutcome(outcome);
        process.stdout.write(`self-check: ${scenario.id} run ${index} did not finish: ${describeOutcome(stopped)}\n`);
        return exitCode(stopped);
      }
      const { seed, divergence } = outcome.value;
      checked++;
      if (divergence !== null) {
        process.stdout.write(`self-check: ${scenario.id} run ${index} (seed ${seed}) differs between two runs at record ${divergence.index}\n`);
        process.stdout.write(`  first:  ${divergence.first ? formatRecord(divergence.first) : '(trace ended)'}\n`);
        process.stdout.write(`  second: ${divergence.second ? formatRecord(divergence.second) : '(trace ended)'}\n`);
        return EXIT.nondeterminism;
      }
    }
    process.stdout.write(`self-check: ${checked} runs, each identical twice\n`);
  }
  return EXIT.pass;
}
