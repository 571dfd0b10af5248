import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import canary from '../../scenarios/canary/lease.scenario.ts';
import { exploreRun, type CaseResult } from '../../sim/explore/explore-run.ts';
import { WorkerPool } from '../../sim/explore/pool/pool.ts';
import type { CaseInput } from '../../sim/explore/pool/handlers.ts';

const ref = { file: fileURLToPath(new URL('../../scenarios/canary/lease.scenario.ts', import.meta.url)), id: canary.id };

describe('worker pool: many tasks in flight, answers several to a message', () => {
  const pool = new WorkerPool({ size: 2, runTimeoutMs: 60_000, memoryMb: 1024 });
  afterAll(() => pool.close());

  it('each task gets its own answer, whatever the batching', async () => {
    const input = (index: number): CaseInput => ({ scenario: ref, variant: 'fixed', campaignSeed: 7, index, maxShrinkRuns: 0 });
    // Enough tasks, asked for at once and then in waves, for the pool to hand out many per message and the workers to hold answers back.
    const indices = Array.from({ length: 120 }, (_, i) => i);
    const outcomes = await Promise.all(indices.map((index) => pool.run<CaseResult>({ handler: 'case', input: input(index) })));
    outcomes.forEach((outcome, index) => {
      expect(outcome.status).toBe('done');
      const result = (outcome as { value: CaseResult }).value;
      expect(result.index).toBe(index);
      expect(result).toEqual(exploreRun(canary, 'fixed', 7, index, { maxShrinkRuns: 0 }));
    });
  });

  it('a task that throws fails alone; the ones around it are answered', async () => {
    const [before, bad, after] = await Promise.allSettled([
      pool.run<CaseResult>({ handler: 'case', input: { scenario: ref, variant: 'fixed', campaignSeed: 7, index: 1, maxShrinkRuns: 0 } }),
      pool.run({ handler: 'no-such-handler', input: {} }),
      pool.run<CaseResult>({ handler: 'case', input: { scenario: ref, variant: 'fixed', campaignSeed: 7, index: 2, maxShrinkRuns: 0 } }),
    ]);
    expect(before.status).toBe('fulfilled');
    expect(bad.status === 'rejected' && String(bad.reason)).toContain("no task handler 'no-such-handler'");
    expect(after.status === 'fulfilled' && (after.value as { value: CaseResult }).value.index).toBe(2);
  });
});
