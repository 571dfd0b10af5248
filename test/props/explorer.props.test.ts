import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCases, summarize } from '../../sim/explore/campaign.ts';
import { isNeedleFault, NEEDLES, needleScenario, type Needle } from '../fixtures/needles.ts';

/** Generous for k = 3 (the hardest case needs a few hundred runs), still bounded. */
const RUN_BUDGET = 5000;

describe('the explorer on synthetic bugs', () => {
  it('shrinks a bug that needs exactly k specific faults to exactly those k faults', () => {
    fc.assert(
      fc.property(fc.subarray([...NEEDLES], { minLength: 1 }), fc.integer({ min: 0, max: 0xffff_ffff }), (needles: Needle[], seed) => {
        const scenario = needleScenario(needles);
        const spec = { scenario: scenario.id, variant: 'buggy', seed, runs: RUN_BUDGET, stopOnFailure: true, maxShrinkRuns: 500 };
        const summary = summarize(scenario, spec, runCases(scenario, spec));
        expect(summary.found).toBe(true);
        const plan = summary.minimalPlan!;
        expect(plan.faults).toHaveLength(needles.length);
        for (const needle of needles) expect(plan.faults.some((f) => isNeedleFault(needle, f as never))).toBe(true);
        expect(summary.oneMinimal).toBe(true);
      }),
      { numRuns: 6 },
    );
  });
});
