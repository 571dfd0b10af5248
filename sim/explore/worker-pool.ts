/**
 * Runs a campaign on N workers: the main thread is worker 0 and N-1 worker
 * threads take the rest (each every N-th run). The main thread is hot (its
 * code already compiled) and would otherwise sit idle; a worker thread pays
 * a start-up of about a second. Results are folded by {@link summarize}
 * exactly as a serial run's are, so the summary is the same.
 *
 * While the main thread runs its share, worker messages wait in the queue
 * (JavaScript has one thread per isolate), so progress from the workers
 * shows up when the main thread's share is done.
 */
import { Worker } from 'node:worker_threads';
import type { AnyScenario } from '../kernel/scenario.ts';
import { runCases, type CampaignSpec } from './campaign.ts';
import type { CaseResult } from './explore-run.ts';
import { ownsRun, STOP_AFTER, STOP_NOW, type Shard, type WorkerJob, type WorkerMessage } from './worker-protocol.ts';

export interface PoolOptions {
  readonly onCase?: (result: CaseResult) => void;
  readonly shard?: Shard;
  /** Checked by the main thread before each of its runs; true stops every worker. */
  readonly outOfTime?: () => boolean;
  /** The file that declares the scenario: each worker thread loads it. */
  readonly scenarioFile: string;
}

export async function runCasesInWorkers(scenario: AnyScenario, spec: CampaignSpec, workerCount: number, options: PoolOptions): Promise<CaseResult[]> {
  const control = new Int32Array(new SharedArrayBuffer(8));
  control[STOP_AFTER] = 0x7fff_ffff;
  const results: CaseResult[] = [];
  const record = (result: CaseResult): void => {
    results.push(result);
    if (spec.stopOnFailure && result.repro !== undefined) {
      // Runs after the first failure are not wanted; earlier ones still are.
      Atomics.store(control, STOP_AFTER, Math.min(Atomics.load(control, STOP_AFTER), result.index));
    }
    options.onCase?.(result);
  };

  const workers: Worker[] = [];
  const threadsDone = new Promise<void>((resolve, reject) => {
    let running = workerCount - 1;
    if (running === 0) resolve();
    for (let w = 1; w < workerCount; w++) {
      const job: WorkerJob = {
        spec,
        workerIndex: w,
        workerCount,
        shard: options.shard,
        control: control.buffer as SharedArrayBuffer,
        scenarioFile: options.scenarioFile,
      };
      const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: job });
      workers.push(worker);
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'case') record(message.result);
        else if (--running === 0) resolve();
      });
      worker.on('error', (error) => {
        for (const other of workers) void other.terminate();
        reject(error);
      });
    }
  });

  // Worker 0: the main thread.
  runCases(scenario, spec, {
    include: (index) => ownsRun(index, 0, workerCount, options.shard),
    shouldStop: (index) => {
      if (options.outOfTime?.() === true) Atomics.store(control, STOP_NOW, 1);
      return Atomics.load(control, STOP_NOW) !== 0 || index > Atomics.load(control, STOP_AFTER);
    },
    onCase: record,
  });
  // The main thread's share is done; if the budget ran out meanwhile, stop the others now.
  if (options.outOfTime?.() === true) Atomics.store(control, STOP_NOW, 1);
  await threadsDone;
  return results;
}
