/**
 * Runs a campaign on worker threads. Each worker takes every n-th run; the
 * results are folded by {@link summarize} exactly as a serial run's are, so
 * the summary is the same (wall-clock figures aside).
 */
import { Worker } from 'node:worker_threads';
import type { CampaignSpec } from './campaign.ts';
import type { CaseResult } from './explore-run.ts';
import { STOP_AFTER, STOP_NOW, type WorkerJob, type WorkerMessage } from './worker-protocol.ts';

const DEFAULT_REGISTRY = new URL('../../scenarios/index.ts', import.meta.url).href;

export interface PoolRun {
  /** Resolves with every case the workers ran. */
  readonly done: Promise<CaseResult[]>;
  /** Asks the workers to stop before their next run (a time budget ran out). */
  stop(): void;
}

export function runCasesInWorkers(
  spec: CampaignSpec,
  workerCount: number,
  options: { readonly onCase?: (result: CaseResult) => void; readonly registryUrl?: string } = {},
): PoolRun {
  const control = new Int32Array(new SharedArrayBuffer(8));
  control[STOP_AFTER] = 0x7fff_ffff;
  const results: CaseResult[] = [];
  const workers: Worker[] = [];
  const done = new Promise<CaseResult[]>((resolve, reject) => {
    let running = workerCount;
    for (let w = 0; w < workerCount; w++) {
      const job: WorkerJob = { spec, workerIndex: w, workerCount, control: control.buffer as SharedArrayBuffer, registryUrl: options.registryUrl ?? DEFAULT_REGISTRY };
      const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: job });
      workers.push(worker);
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'done') {
          if (--running === 0) resolve(results);
          return;
        }
        results.push(message.result);
        if (spec.stopOnFailure && message.result.repro !== undefined) {
          // Runs after the first failure are not wanted; earlier ones still are.
          Atomics.store(control, STOP_AFTER, Math.min(Atomics.load(control, STOP_AFTER), message.result.index));
        }
        options.onCase?.(message.result);
      });
      worker.on('error', (error) => {
        for (const other of workers) void other.terminate();
        reject(error);
      });
    }
  });
  return { done, stop: () => Atomics.store(control, STOP_NOW, 1) };
}
