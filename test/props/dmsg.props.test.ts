/**
 * The dmsg cold-start scenarios under the explorer, with fixed seeds and
 * budgets: each buggy variant is found within its budget and shrunk to a
 * 1-minimal plan; each fixed variant holds for ten times the budget. The
 * cold-start table (every combination of the three fixes) comes from here.
 */
import { describe, expect, it } from 'vitest';
import { campaign, neverFiredOrReached } from '../fixtures/campaign.ts';
import coldStart from '../../scenarios/dmsg/cold-start.scenario.ts';
import emptyDiscovery from '../../scenarios/dmsg/empty-discovery.scenario.ts';
import registrationTimeout from '../../scenarios/dmsg/registration-timeout.scenario.ts';


describe.each([
  [coldStart, 20, 'fleet-converges', 1],
  [emptyDiscovery, 10, 'client-connects', 0],
  [registrationTimeout, 10, 'fleet-registered', 1],
] as const)('$id', (scenario, budget, invariant, planSize) => {
  it(`buggy: found within ${budget} runs and shrunk to a 1-minimal plan of ${planSize} fault(s)`, () => {
    const s = campaign(scenario, 'buggy', budget, { stopOnFailure: true });
    expect(s.found).toBe(true);
    expect(s.oneMinimal).toBe(true);
    expect(s.planSize).toBe(planSize);
    expect(s.outcome).toMatchObject({ kind: 'liveness-violation', invariant });
  });

  it(`fixed: holds for ${10 * budget} runs with every fault kind firing`, () => {
    const s = campaign(scenario, 'fixed', 10 * budget);
    expect(s.found).toBe(false);
    expect(neverFiredOrReached(s)).toEqual([]);
  });
});

describe('dmsg/cold-start: which combinations of fixes lift the fleet (20 runs each)', () => {
  it.each([
    ['buggy', false],
    ['fix-3140', false],
    ['fix-3142', false],
    ['fix-3143', false],
    ['fix-3140-3142', false],
    ['fix-3140-3143', false],
    ['fix-3142-3143', false],
  ] as const)('%s converges: %s', (variant, converges) => {
    expect(campaign(coldStart, variant, 20, { stopOnFailure: true }).found).toBe(!converges);
  });
});

describe('minimal repros read like the incident', () => {
  it('cold-start shrinks to the smallest fleet, two servers', () => {
    expect(campaign(coldStart, 'buggy', 20, { stopOnFailure: true }).minimalPlan?.faults).toEqual([{ kind: 'cold-start', atMs: 0, size: 2 }]);
  });
  it('registration-timeout shrinks to a restart of 21 servers: the smallest herd whose reads outlast 3 s', () => {
    expect(campaign(registrationTimeout, 'buggy', 10, { stopOnFailure: true }).minimalPlan?.faults).toMatchObject([{ kind: 'fleet-restart', count: 21 }]);
  });
});
