/**
 * The ownership scenarios under the explorer, with fixed seeds and budgets:
 * each buggy variant is found within 20 runs and shrunk to a 1-minimal plan
 * of a few faults; each fixed variant holds for ten times that.
 */
import { describe, expect, it } from 'vitest';
import { campaign, neverFiredOrReached } from '../fixtures/campaign.ts';
import deletedOwner from '../../scenarios/ownership/deleted-owner.scenario.ts';
import keyCollision from '../../scenarios/ownership/key-collision.scenario.ts';

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
