/**
 * provision/double-provision under the explorer, with fixed seeds and
 * budgets. The buggy variant's budget is 200 runs; the fixed variant holds for
 * ten times that. Each fix alone is run for the same 200 runs to show which
 * invariants it repairs (the table in the README comes from here).
 */
import { describe, expect, it } from 'vitest';
import { campaign, neverFiredOrReached } from '../fixtures/campaign.ts';
import scenario, { doubleProvisionScenario } from '../../scenarios/provision/double-provision.scenario.ts';
import { run, type AnyScenario, type FaultPlan } from 'chaos-testbed';

const BUDGET = 200;
const SAFETY = ['single-instance', 'online-means-working', 'no-permanent-401', 'delegation-status-honest'] as const;

/** The invariants a campaign's findings violated, sorted. Shrinking keeps a finding's invariant, so a small shrink budget does not change them. */
const violatedInvariants = (variant: string, of: AnyScenario = scenario) =>
  [...new Set(campaign(of, variant, BUDGET, { maxShrinkRuns: 20 }).findings.map((f) => (f.repro.outcome as { invariant: string }).invariant))].sort();

describe('provision/double-provision', () => {
  it(`buggy: a race is found within ${BUDGET} runs and shrunk to a 1-minimal plan with two instances launched within 1 s`, () => {
    const s = campaign(scenario, 'buggy', BUDGET, { stopOnFailure: true });
    expect(s.found).toBe(true);
    expect(s.oneMinimal).toBe(true);
    expect(s.outcome).toMatchObject({ kind: 'safety-violation', invariant: 'single-instance' });
    expect(s.outcome.kind === 'safety-violation' && (s.outcome.values.launchGapMs as number)).toBeLessThanOrEqual(1_000);
  });

  it(`buggy: every safety invariant is the first one broken in some run of ${BUDGET}`, () => {
    expect(violatedInvariants('buggy')).toEqual([...SAFETY].sort());
  });

  it(`buggy: with the safety invariants off, the liveness invariant is broken too (fixed holds)`, () => {
    const livenessOnly = doubleProvisionScenario({ checks: ['one-working-instance'] });
    expect(violatedInvariants('buggy', livenessOnly)).toEqual(['one-working-instance']);
    expect(campaign(livenessOnly, 'fixed', BUDGET).found).toBe(false);
  });

  it(`fixed holds for ${10 * BUDGET} runs, with every fault kind firing and every goal reached`, () => {
    const s = campaign(scenario, 'fixed', 10 * BUDGET);
    expect(s.found).toBe(false);
    expect(s.runs).toBe(10 * BUDGET);
    expect(neverFiredOrReached(s)).toEqual([]);
  });

  // Which invariants each fix alone leaves broken.
  it.each([
    ['fix-single-flight', ['delegation-status-honest', 'no-permanent-401', 'online-means-working']],
    ['fix-bootstrap', ['delegation-status-honest', 'single-instance']],
    ['fix-delegation-status', ['no-permanent-401', 'online-means-working', 'single-instance']],
    ['fix-surface-errors', ['delegation-status-honest', 'no-permanent-401', 'single-instance']],
  ] as const)(`%s over ${BUDGET} runs still breaks %j`, (variant, broken) => {
    expect(violatedInvariants(variant)).toEqual(broken);
  });
});

/**
 * Issue 20's deep campaign refuted `fixed` (campaign seed 6, run 1,182 of
 * 3,000): a slow-boot fault meant "the next instance launched boots
 * durationMs slower", so a recreate launched minutes after the fault had
 * healed still booted 90 s late and the liveness bound, counted from the
 * heal, ran out. The fault was wrong; it now lasts as long as its effect.
 */
describe('provision/double-provision: the late slow boot of issue 20', () => {
  const refutingPlan: FaultPlan = {
    faults: [
      { kind: 'crash', node: 'box-1', atMs: 0, downMs: 1_000 },
      { kind: 'slow-boot', atMs: 1, durationMs: 89_953 },
    ],
  };

  it('fixed: holds for the refuting plan and run seed', () => {
    expect(run(scenario, 'fixed', 692992338, refutingPlan).outcome).toEqual({ kind: 'pass' });
  });

  it('fixed: holds for the refuting campaign, seed 6, for the 1,182 runs the refutation needed', () => {
    const s = campaign(scenario, 'fixed', 1182, { seed: 6 });
    expect(s.found).toBe(false);
    expect(s.runs).toBe(1182);
  });
});
