/**
 * The dmsg runtime-failure scenarios (incident 003, second part) under the
 * explorer, with fixed seeds and budgets: each buggy variant is found within
 * its budget and shrunk to a 1-minimal plan; each fixed variant (and the
 * `warned` variant of pq-downgrade) holds for ten times the budget.
 */
import { describe, expect, it } from 'vitest';
import { campaign } from '../fixtures/campaign.ts';
import breakerHerd from '../../scenarios/dmsg/breaker-herd.scenario.ts';
import healthLies from '../../scenarios/dmsg/health-lies.scenario.ts';
import pingStorm from '../../scenarios/dmsg/ping-storm.scenario.ts';
import pqDowngrade from '../../scenarios/dmsg/pq-downgrade.scenario.ts';
import readyLatch from '../../scenarios/dmsg/ready-latch.scenario.ts';
import routeLeak from '../../scenarios/dmsg/route-leak.scenario.ts';
import zombieEntry from '../../scenarios/dmsg/zombie-entry.scenario.ts';


describe.each([
  [pingStorm, 10, 'no-reconnect-storm'],
  [zombieEntry, 50, 'no-zombie-entry'],
  [healthLies, 10, 'health-tells-the-truth'],
  [breakerHerd, 10, 'one-probe-in-half-open'],
  [readyLatch, 20, 'probe-reflects-sessions'],
  [routeLeak, 10, 'route-groups-bounded'],
  [pqDowngrade, 10, 'no-silent-downgrade'],
] as const)('$id', (scenario, budget, invariant) => {
  it(`buggy: found within ${budget} runs and shrunk to a 1-minimal plan breaking ${invariant}`, () => {
    const s = campaign(scenario, 'buggy', budget, { stopOnFailure: true });
    expect(s.found).toBe(true);
    expect(s.oneMinimal).toBe(true);
    expect(s.outcome).toMatchObject({ invariant });
  });

  it(`fixed: holds for ${10 * budget} runs with every fault kind firing`, () => {
    const s = campaign(scenario, 'fixed', 10 * budget);
    expect(s.found).toBe(false);
    expect(s.warnings).toEqual([]);
  });
});

it('dmsg/pq-downgrade: the warned variant (downgrades observable, not refused) holds for 100 runs', () => {
  const s = campaign(pqDowngrade, 'warned', 100);
  expect(s.found).toBe(false);
});
