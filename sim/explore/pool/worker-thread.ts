/**
 * A worker thread of the pool: runs its tasks one at a time, in the order
 * they came, and answers each.
 * It stays up between tasks and campaigns (warm: scenario files loaded once,
 * code compiled once) until the pool closes it or the watchdog ends it.
 */
// First: scenario files this worker loads must capture guarded clocks and random sources.
import '../../kernel/guard-install.ts';
import { parentPort, workerData } from 'node:worker_threads';
import { loadScenarioModule } from '../../load/scenario-module.ts';
import type { AnyScenario } from '../../kernel/scenario.ts';
import { HEARTBEAT, type Answer, type MainToWorker, type ScenarioRef, type WorkerBoot, type WorkerToMain } from './protocol.ts';
import { HANDLERS, type HandlerContext } from './handlers.ts';

const port = parentPort!;
const heartbeat = new Int32Array((workerData as WorkerBoot).heartbeat);
const virtualNow = new Float64Array((workerData as WorkerBoot).virtualNow);
const loaded = new Map<string, Promise<AnyScenario>>();

async function scenarioOf(ref: ScenarioRef): Promise<AnyScenario> {
  const key = `${ref.file}\n${ref.id}`;
  let found = loaded.get(key);
  if (found === undefined) {
    found = loadScenarioModule(ref.file).then((entries) => {
      const entry = entries.find((e) => e.scenario.id === ref.id);
      if (entry === undefined) throw new Error(`${ref.file} does not declare scenario ${ref.id}`);
      return entry.scenario;
    });
    loaded.set(key, found);
  }
  return found;
}

const post = (message: WorkerToMain): void => port.postMessage(message);

/** Answers not sent yet (see answersPerMessage in protocol.ts), how many may wait, and the tasks received and not yet answered. */
let held: Answer[] = [];
let answersPerMessage = 1;
let unanswered = 0;

function answer(a: Answer): void {
  held.push(a);
  unanswered--;
  if (held.length >= answersPerMessage) flushAnswers();
  // Out of tasks: the main thread's next ones may be waiting in the port, behind this chain of
  // tasks. Look once they are taken in (a message is, before an immediate), and send what is held
  // if there are none.
  else if (unanswered === 0) setImmediate(flushIfIdle);
}

function flushIfIdle(): void {
  if (unanswered === 0) flushAnswers();
}

function flushAnswers(): void {
  if (held.length === 0) return;
  const answers = held;
  held = [];
  try {
    post({ type: 'answers', answers });
  } catch {
    // A value the structured clone refuses (a function a model put in a violation's values) fails
    // its own task, as it did when every answer had a message of its own, and no other.
    for (const a of answers) {
      try {
        post({ type: 'answers', answers: [a] });
      } catch (error) {
        post({ type: 'answers', answers: [{ taskId: a.taskId, failed: `its result could not be sent to the main thread: ${errorText(error)}` }] });
      }
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
}

/** Tasks run one after another, in the order they came: a handler that awaits (a scenario file loading) holds the next one back. */
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: MainToWorker) => {
  answersPerMessage = message.answersPerMessage;
  for (const { taskId, task } of message.tasks) {
    unanswered++;
    queue = queue.then(() => runTask(taskId, task));
  }
});

async function runTask(taskId: number, task: MainToWorker['tasks'][number]['task']): Promise<void> {
  Atomics.store(heartbeat, HEARTBEAT.task, taskId);
  Atomics.store(heartbeat, HEARTBEAT.busy, 1);
  virtualNow.fill(0);
  const context: HandlerContext = {
    scenario: scenarioOf,
    runStarting: () => void Atomics.add(heartbeat, HEARTBEAT.runsStarted, 1),
    // The main thread takes a task's records while it is the first it waits for: answers before them go first.
    record: (record) => {
      flushAnswers();
      post({ type: 'records', taskId, records: [record] });
    },
    progress: virtualNow,
  };
  let outcome: Answer;
  try {
    const handler = Object.prototype.hasOwnProperty.call(HANDLERS, task.handler) ? HANDLERS[task.handler as keyof typeof HANDLERS] : undefined;
    if (handler === undefined) throw new Error(`no task handler '${task.handler}'`);
    outcome = { taskId, value: await handler(task.input as never, context) };
  } catch (error) {
    outcome = { taskId, failed: errorText(error) };
  }
  Atomics.store(heartbeat, HEARTBEAT.busy, 0);
  answer(outcome);
}
post({ type: 'ready' });
