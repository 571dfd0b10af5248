import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import canary from '../../scenarios/canary/lease.scenario.ts';
import provision from '../../scenarios/provision/double-provision.scenario.ts';
import endpoint from '../../scenarios/tunnel/endpoint-normalization.scenario.ts';
import { lostReply, overlappingOutages, triple10ms } from '../../sim/bench/search/family.scenario.ts';
import { swarmPlanArbitrary } from '../../sim/explore/arbitraries.ts';
import { FaultSource } from '../../sim/explore/guided/fault-source.ts';
import { mutate } from '../../sim/explore/guided/mutations.ts';
import { parsePlan } from '../../sim/kernel/plan-file.ts';
import { own } from '../../sim/kernel/own.ts';
import { Rng, type AnyScenario, type FaultPlan } from 'chaos-testbed';

/** Scenarios whose spaces cover kernel kinds, custom kinds (fields of every sort), filters, request faults and per-kind limits. */
const SCENARIOS: readonly AnyScenario[] = [canary, provision, endpoint, lostReply, overlappingOutages, triple10ms];

/** Whether `plan` is one the scenario's space allows: times in the window, limits kept, every number in its range. */
function assertWithinSpace(scenario: AnyScenario, source: FaultSource, plan: FaultPlan): void {
  const space = scenario.faultSpace!;
  expect(plan.faults.length).toBeLessThanOrEqual(space.maxFaults);
  const times = plan.faults.map((f) => f.atMs);
  expect(times).toEqual([...times].sort((a, b) => a - b));
  const perKind = new Map<string, number>();
  for (const fault of plan.faults) {
    expect(source.kinds).toContain(fault.kind);
    expect(fault.atMs).toBeGreaterThanOrEqual(space.windowMs[0]);
    expect(fault.atMs).toBeLessThanOrEqual(space.windowMs[1]);
    perKind.set(fault.kind, (perKind.get(fault.kind) ?? 0) + 1);
    for (const [field, [min, max]] of source.genesOf(fault.kind).ranges) {
      const value = (fault as unknown as Record<string, unknown>)[field];
      if (typeof value === 'number') {
        expect(value).toBeGreaterThanOrEqual(min);
        expect(value).toBeLessThanOrEqual(max);
      }
    }
  }
  for (const [kind, n] of perKind) expect(n).toBeLessThanOrEqual(own(space.maxPerKind, kind) ?? Infinity);
  // And it is a plan the scenario accepts, as a plan file would be checked.
  expect(() => parsePlan(plan, 'mutant', scenario, 'buggy')).not.toThrow();
}

describe('guided mutations', () => {
  for (const scenario of SCENARIOS) {
    it(`stay within the fault space of ${scenario.id}`, () => {
      const source = new FaultSource(scenario.faultSpace!);
      const anchors = fc.array(fc.record({ atMs: fc.integer({ min: 0, max: scenario.durationMs }), weight: fc.integer({ min: 1, max: 1_000 }) }), { maxLength: 5 });
      fc.assert(
        fc.property(swarmPlanArbitrary(scenario.faultSpace!), swarmPlanArbitrary(scenario.faultSpace!), anchors, fc.nat(), (parent, mate, anchorList, seed) => {
          const mutant = mutate(source, { plan: parent.plan, anchors: anchorList }, mate.plan, new Rng(seed, 'mutation'));
          expect(mutant.ops.length).toBeGreaterThan(0);
          assertWithinSpace(scenario, source, mutant.plan);
        }),
        { numRuns: 200 },
      );
    });
  }

  it('are a function of their inputs and their stream', () => {
    const source = new FaultSource(canary.faultSpace!);
    fc.assert(
      fc.property(swarmPlanArbitrary(canary.faultSpace!), fc.nat(), ({ plan }, seed) => {
        const once = mutate(source, { plan, anchors: [{ atMs: 100, weight: 1 }] }, undefined, new Rng(seed, 'mutation'));
        const again = mutate(new FaultSource(canary.faultSpace!), { plan, anchors: [{ atMs: 100, weight: 1 }] }, undefined, new Rng(seed, 'mutation'));
        expect(again).toEqual(once);
      }),
      { numRuns: 100 },
    );
  });
});
