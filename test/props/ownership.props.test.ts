/**
 * The ownership scenarios under the explorer, with fixed seeds and budgets:
 * each buggy variant is found within 20 runs and shrunk to a 1-minimal plan
 * of a few faults; each fixed variant holds for ten times that.
 */
import { describe, expect, it } from 'vitest';
import { campaign, neverFiredOrReached } from '../fixtures/campaign.ts';
import { drawPlan, exploreRun } from '../../sim/explore/explore-run.ts';
import deletedOwner from '../../scenarios/ownership/deleted-owner.scenario.ts';
import keyCollision from '../../scenarios/ownership/key-collision.scenario.ts';
import { run, type FaultPlan } from 'chaos-testbed';

const BUDGET = 20;

describe.each([
  [deletedOwner, ['stale-relist']],
  [keyCollision, ['stale-relist', 'resync', 'restart']],
] as const)('$id', (scenario, relists) => {
  it(`buggy: found within ${BUDGET} runs, shrunk to a 1-minimal plan whose cause is a relist`, () => {
    const s = campaign(scenario, 'buggy', BUDGET, { stopOnFailure: true });
    expect(s.found).toBe(true);
    expect(s.oneMinimal).toBe(true);
    expect(s.planSize).toBeGreaterThanOrEqual(1);
    expect(s.planSize).toBeLessThanOrEqual(3);
    expect(s.minimalPlan!.faults.some((f) => (relists as readonly string[]).includes(f.kind))).toBe(true);
    expect(s.outcome.kind).toBe('safety-violation');
  });

  it(`fixed: holds for ${10 * BUDGET} runs with every fault kind firing`, () => {
    const s = campaign(scenario, 'fixed', 10 * BUDGET);
    expect(s.found).toBe(false);
    expect(s.runs).toBe(10 * BUDGET);
    expect(neverFiredOrReached(s)).toEqual([]);
  });
});

/**
 * Issue 20: a deeper campaign refuted `fixed` (campaign seed 2, run 1,481 of
 * 1,500): api and controller partitioned for 555 s across the replacement.
 * The invariant's bound was wrong, not the fix or the model: a cut watch
 * catches up at the next bookmark (a real reflector's relist backs off as
 * long), which a lease and a reconcile (55 s) did not allow for; see
 * EDGE_RECOVERY_BOUND_MS in scenarios/ownership/common.ts.
 */
describe('ownership/deleted-owner: the long watch partition of issue 20', () => {
  const refutingPlan: FaultPlan = { faults: [{ kind: 'partition', atMs: 104_978, durationMs: 555_023, from: 'api', to: 'controller', oneWay: false }] };
  const refutingRunSeed = 4084218036;

  it(`buggy: the relist is still the cause found, from campaign seed 2 within ${BUDGET} runs`, () => {
    const s = campaign(deletedOwner, 'buggy', BUDGET, { seed: 2, stopOnFailure: true });
    expect(s.found).toBe(true);
    expect(s.oneMinimal).toBe(true);
    expect(s.minimalPlan!.faults.some((f) => f.kind === 'stale-relist')).toBe(true);
    expect(s.outcome.kind).toBe('safety-violation');
  });

  it('fixed: holds for the refuting plan and run seed', () => {
    expect(run(deletedOwner, 'fixed', refutingRunSeed, refutingPlan).outcome).toEqual({ kind: 'pass' });
  });

  it('fixed: run 1,481 of campaign seed 2, the plan as the campaign drew it (two api-controller partitions, shrunk to the one above), now holds', () => {
    const drawn = drawPlan(deletedOwner, 2, 1480);
    expect(drawn.seed).toBe(refutingRunSeed);
    expect(drawn.plan.faults.map((f) => f.kind)).toEqual(['partition', 'partition']);
    const result = exploreRun(deletedOwner, 'fixed', 2, 1480, { maxShrinkRuns: 0 });
    expect(result.outcome).toEqual({ kind: 'pass' });
  });

  // The whole 1,481-run campaign is about 90 s on a quiet 2-core machine,
  // too long for a props test on a loaded CI machine; it is part of the deep
  // campaign (3,000 runs from seed 2, issue 20's deep log), not of this suite.
});
