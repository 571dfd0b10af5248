/**
 * The tunnel scenarios under the explorer, with fixed seeds and budgets:
 * each buggy variant is found within its budget and shrunk to a 1-minimal
 * plan; each fixed variant holds for ten times the budget.
 */
import { describe, expect, it } from 'vitest';
import { campaign, neverFiredOrReached } from '../fixtures/campaign.ts';
import api503Blip from '../../scenarios/tunnel/api-503-blip.scenario.ts';
import detachReadiness from '../../scenarios/tunnel/detach-readiness.scenario.ts';
import dnsTtlRestart from '../../scenarios/tunnel/dns-ttl-restart.scenario.ts';
import endpointNormalization from '../../scenarios/tunnel/endpoint-normalization.scenario.ts';


describe.each([
  [api503Blip, 50, 'blip-does-not-abort'],
  [dnsTtlRestart, 50, 'restart-responds-quickly'],
  [detachReadiness, 50, 'exit-0-means-verified'],
  [endpointNormalization, 100, 'displayed-is-canonical'],
] as const)('$id', (scenario, budget, invariant) => {
  it(`buggy: found within ${budget} runs, shrunk to a 1-minimal plan breaking ${invariant}`, () => {
    const s = campaign(scenario, 'buggy', budget, { stopOnFailure: true });
    expect(s.found).toBe(true);
    expect(s.oneMinimal).toBe(true);
    expect(s.planSize).toBe(1);
    expect(s.outcome).toMatchObject({ invariant });
  });

  it(`fixed: holds for ${10 * budget} runs with every fault kind firing`, () => {
    const s = campaign(scenario, 'fixed', 10 * budget);
    expect(s.found).toBe(false);
    expect(s.runs).toBe(10 * budget);
    expect(neverFiredOrReached(s)).toEqual([]);
  });
});

describe('tunnel/endpoint-normalization: the search is over the input', () => {
  it("shrinks the incident's failure to a minimal bare host:port", () => {
    const s = campaign(endpointNormalization, 'buggy', 300);
    const probe = s.findings.find((f) => (f.repro.outcome as { invariant?: string }).invariant === 'local-probe-agrees');
    expect(probe?.repro.plan.faults).toEqual([{ kind: 'run-tunnel', atMs: 0, endpoint: '127.0.0.1:1' }]);
  });
});
