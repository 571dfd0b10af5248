/**
 * The tunnel scenarios under the explorer, with fixed seeds and budgets:
 * each buggy variant is found within its budget and shrunk to a 1-minimal
 * plan; each fixed variant holds for ten times the budget.
 */
import { describe, expect, it } from 'vitest';
import { campaign, neverFiredOrReached } from '../fixtures/campaign.ts';
import { run, type FaultPlan } from 'chaos-testbed';
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

/**
 * Issue 20's deep campaign refuted the incident's fix: a Ctrl-C 1 ms after
 * the old process's heartbeat, restarted at once, lets the dead process's
 * heartbeat reach the control plane after the new one's, so the old node is
 * published again. That fix is now the `incident-fix` variant; `fixed` also
 * keeps the newest process's node (see the scenario file).
 */
describe('tunnel/dns-ttl-restart: a dead process\'s heartbeat arriving last (issue 20)', () => {
  const refutingPlan: FaultPlan = { faults: [{ kind: 'ctrl-c-restart', atMs: 10_001, durationMs: 0 }] };
  // Campaign seed 3's run, as the deep campaign found it.
  const refutingRunSeed = 3331258454;

  it('incident-fix: the refuting plan still fails, the gateway dialing the old node past the bound', () => {
    const result = run(dnsTtlRestart, 'incident-fix', refutingRunSeed, refutingPlan);
    expect(result.outcome).toMatchObject({ kind: 'safety-violation', invariant: 'restart-responds-quickly' });
  });

  it('fixed: holds for the refuting plan and run seed', () => {
    expect(run(dnsTtlRestart, 'fixed', refutingRunSeed, refutingPlan).outcome).toEqual({ kind: 'pass' });
  });

  it('incident-fix: guided search finds the race from campaign seed 1 within its budget, shrunk to one restart just after a heartbeat', () => {
    const budget = dnsTtlRestart.expectations!['incident-fix']!.runs!;
    const s = campaign(dnsTtlRestart, 'incident-fix', budget, { stopOnFailure: true, search: 'guided' });
    expect(s.found).toBe(true);
    expect(s.oneMinimal).toBe(true);
    expect(s.outcome).toMatchObject({ invariant: 'restart-responds-quickly' });
    // Heartbeats leave every HEARTBEAT_MS (10 s) from the start; the race is within a link's latency after one.
    const restart = s.minimalPlan!.faults[0]!;
    expect(restart.atMs % 10_000).toBeLessThan(20);
  });

  it('fixed: holds 1,000 guided runs that come within 1 ms of the race', () => {
    const s = campaign(dnsTtlRestart, 'fixed', 1000, { search: 'guided' });
    expect(s.found).toBe(false);
    expect(s.explain.bestProgress).toBeGreaterThanOrEqual(9_999);
  });
});
