import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import canary from '../../scenarios/canary/lease.scenario.ts';
import { exploreRun, type CaseResult } from '../../sim/explore/explore-run.ts';
import type { CaseInput, RunInput } from '../../sim/explore/pool/handlers.ts';
import { WorkerPool } from '../../sim/explore/pool/pool.ts';
import { HEARTBEAT, type Task } from '../../sim/explore/pool/protocol.ts';

const fileOf = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const canaryRef = { file: fileOf('../../scenarios/canary/lease.scenario.ts'), id: canary.id };
const caseTask = (index: number): Task => ({ handler: 'case', input: { scenario: canaryRef, variant: 'fixed', campaignSeed: 7, index, maxShrinkRuns: 0 } satisfies CaseInput });
const runTask = (file: string, id: string): Task => ({
  handler: 'run',
  input: { scenario: { file: fileOf(file), id }, variant: 'buggy', seed: 1, plan: { faults: [] }, traceMode: 'hash', checkpoints: false } satisfies RunInput,
});

/**
 * One worker, told that tasks take a millisecond, holds 16 of them and
 * answers 8 to a message (no timing decides it); a worker runs the tasks it
 * holds back to back, so which answers share a message is fixed too.
 */
const batchingPool = (runTimeoutMs = 60_000) => new WorkerPool({ size: 1, runTimeoutMs, memoryMb: 1024, taskMs: 1 });

describe('worker pool: several tasks to a message, several answers to a message', () => {
  let pool: WorkerPool | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await pool?.close();
  });

  it('answers each task with its own result, in fewer messages than tasks', async () => {
    pool = batchingPool();
    const answerMessages = vi.spyOn(Worker.prototype, 'emit');
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, index) => pool!.run<CaseResult>(caseTask(index))));
    outcomes.forEach((outcome, index) => {
      expect(outcome.status).toBe('done');
      expect((outcome as { value: CaseResult }).value).toEqual(exploreRun(canary, 'fixed', 7, index, { maxShrinkRuns: 0 }));
    });
    const answers = answerMessages.mock.calls.filter(([name, message]) => name === 'message' && (message as { type?: string }).type === 'answers');
    expect(answers.length).toBeLessThanOrEqual(40 / 8 + 1);
  });

  it('a task that throws fails alone; the answers beside it in its message are kept', async () => {
    pool = batchingPool();
    const [before, bad, after] = await Promise.allSettled([pool.run<CaseResult>(caseTask(1)), pool.run({ handler: 'no-such-handler', input: {} }), pool.run<CaseResult>(caseTask(2))]);
    expect(before.status === 'fulfilled' && (before.value as { value: CaseResult }).value.index).toBe(1);
    expect(bad.status === 'rejected' && String(bad.reason)).toContain("no task handler 'no-such-handler'");
    expect(after.status === 'fulfilled' && (after.value as { value: CaseResult }).value.index).toBe(2);
  });

  it('a result that cannot be sent fails its own task only', async () => {
    pool = batchingPool();
    const [before, unsendable, after] = await Promise.allSettled([
      pool.run<CaseResult>(caseTask(1)),
      pool.run(runTask('../fixtures/pool/unsendable.scenario.ts', 'pool/unsendable')),
      pool.run<CaseResult>(caseTask(2)),
    ]);
    expect(before.status === 'fulfilled' && (before.value as { value: CaseResult }).value.index).toBe(1);
    expect(unsendable.status === 'rejected' && String(unsendable.reason)).toContain('could not be sent to the main thread');
    expect(after.status === 'fulfilled' && (after.value as { value: CaseResult }).value.index).toBe(2);
  });

  it('a run that hangs after the worker went past tasks whose answers it holds is caught by the run budget', async () => {
    pool = batchingPool(1_000);
    const busyLoop = runTask('../attack/fixtures/busy-loop.scenario.ts', 'attack/busy-loop');
    // Both scenario files loaded first, so that no task below loads one.
    await pool.run({ handler: 'facts', input: { scenario: (busyLoop.input as RunInput).scenario } });
    await pool.run(caseTask(0));
    const heartbeat = (pool as unknown as { slots: { heartbeat: Int32Array }[] }).slots[0]!.heartbeat;
    const runsBefore = Atomics.load(heartbeat, HEARTBEAT.runsStarted);
    // Nine runs: the worker sends the first eight answers in one message and holds the ninth; then the hang.
    const runs = Array.from({ length: 9 }, (_, index) => pool!.run<CaseResult>(caseTask(index + 1)));
    const hang = pool.run(busyLoop);
    await new Promise((resolve) => setImmediate(resolve));
    // This thread reads the eight answers only once the worker is in the hanging run, past the ninth
    // (the race a busy main thread loses): it waits here, reading no message, until the tenth run began.
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let waitedMs = 0; Atomics.load(heartbeat, HEARTBEAT.runsStarted) < runsBefore + 10; waitedMs += 5) {
      if (waitedMs > 60_000) throw new Error('the worker never began the tenth run');
      Atomics.wait(pause, 0, 0, 5);
    }
    expect(await hang).toMatchObject({ status: 'hang', detail: 'a run took more than 1000 ms of wall time' });
    const outcomes = await Promise.all(runs);
    outcomes.forEach((outcome, index) => expect(outcome.status === 'done' && outcome.value.index).toBe(index + 1));
  });
});
