/**
 * `run --self-check`: each run's plan run twice in this process, the traces
 * compared record by record; exit 3 at the first difference.
 */
import { drawPlan } from '../explore/explore-run.ts';
import { selfCheck } from '../kernel/self-check.ts';
import { EXIT } from './args.ts';
import { formatRecord } from './format.ts';
import type { Job } from './jobs.ts';

export function selfCheckJobs(jobs: readonly Job[]): number {
  for (const { entry, spec } of jobs) {
    const { scenario } = entry;
    process.stderr.write(`self-check ${scenario.id} variant=${spec.variant} seed=${spec.seed} runs=${spec.runs}\n`);
    for (let index = 0; index < spec.runs; index++) {
      const { seed, plan } = drawPlan(scenario, spec.seed, index);
      const divergence = selfCheck(scenario, spec.variant, seed, plan).divergence;
      if (divergence !== undefined) {
        process.stdout.write(`self-check: ${scenario.id} run ${index} (seed ${seed}) differs between two runs at record ${divergence.index}\n`);
        process.stdout.write(`  first:  ${divergence.first ? formatRecord(divergence.first) : '(trace ended)'}\n`);
        process.stdout.write(`  second: ${divergence.second ? formatRecord(divergence.second) : '(trace ended)'}\n`);
        return EXIT.nondeterminism;
      }
    }
    process.stdout.write(`self-check: ${spec.runs} runs, each identical twice\n`);
  }
  return EXIT.pass;
}
