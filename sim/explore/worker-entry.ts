/**
 * A campaign worker thread: runs its share of the runs and posts each result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadScenarioModule } from '../load/scenario-module.ts';
import { runCases } from './campaign.ts';
import { ownsRun, STOP_AFTER, STOP_NOW, type WorkerJob, type WorkerMessage } from './worker-protocol.ts';

const job = workerData as WorkerJob;
const control = new Int32Array(job.control);
const scenario = (await loadScenarioModule(job.scenarioFile)).find((e) => e.scenario.id === job.spec.scenario)?.scenario;
if (scenario === undefined) throw new Error(`worker: ${job.scenarioFile} does not declare scenario ${job.spec.scenario}`);

const post = (message: WorkerMessage): void => parentPort!.postMessage(message);
runCases(scenario, job.spec, {
  include: (index) => ownsRun(index, job.workerIndex, job.workerCount, job.shard),
  shouldStop: (index) => Atomics.load(control, STOP_NOW) !== 0 || index > Atomics.load(control, STOP_AFTER),
  onCase: (result) => post({ type: 'case', result }),
});
post({ type: 'done' });
