import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import canary from '../../scenarios/canary/lease.scenario.ts';
import { swarmPlanArbitrary } from '../../sim/explore/arbitraries.ts';
import type { FaultSpace } from 'chaos-testbed';

const space = canary.faultSpace as FaultSpace;
const within = (value: number, [min, max]: readonly [number, number]) => value >= min && value <= max;

describe('fault plan arbitraries', () => {
  it('draw only what the fault space allows, from the kinds the swarm enabled', () => {
    fc.assert(
      fc.property(swarmPlanArbitrary(space), ({ enabledKinds, plan }) => {
        expect(plan.faults.length).toBeLessThanOrEqual(space.maxFaults);
        for (const fault of plan.faults) {
          expect(enabledKinds).toContain(fault.kind);
          expect(within(fault.atMs, space.windowMs)).toBe(true);
          const kind = (space.kinds as Record<string, { durationMs?: readonly [number, number]; nodes?: readonly string[]; links?: readonly (readonly string[])[] }>)[fault.kind]!;
          const f = fault as unknown as { durationMs?: number; node?: string; from?: string; to?: string };
          if (kind.durationMs !== undefined && f.durationMs !== undefined) expect(within(f.durationMs, kind.durationMs)).toBe(true);
          if (kind.nodes !== undefined) expect(kind.nodes).toContain(f.node);
          if (kind.links !== undefined) expect(kind.links.some(([a, b]) => (a === f.from && b === f.to) || (a === f.to && b === f.from))).toBe(true);
        }
        const times = plan.faults.map((f) => f.atMs);
        expect(times).toEqual([...times].sort((a, b) => a - b));
      }),
    );
  });
});
