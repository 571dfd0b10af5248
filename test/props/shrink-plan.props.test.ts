import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ddmin } from '../../sim/explore/ddmin.ts';
import { shrinkPlan } from '../../sim/explore/shrink-plan.ts';
import type { FaultSpace } from '../../sim/kernel/fault-space.ts';
import type { Fault, PauseFault } from '../../sim/kernel/faults.ts';

describe('ddmin', () => {
  it('finds exactly the items a monotone failure needs, and never tests a sub-list without them as failing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(fc.constant(n), fc.subarray([...Array(n).keys()]))), ([n, needed]) => {
        const items = [...Array(n).keys()];
        const fails = (subset: readonly number[]) => needed.every((i) => subset.includes(i));
        const result = ddmin(items, fails, () => false);
        // The empty list is the caller's to test; ddmin stops at one item.
        expect(result.items).toEqual(needed.length === 0 ? result.items : needed);
        expect(result.minimal).toBe(true);
        for (let i = 0; i < result.items.length && result.items.length > 1; i++) expect(fails(result.items.filter((_, j) => j !== i))).toBe(false);
      }),
    );
  });
});

const space: FaultSpace = { windowMs: [0, 40_000], maxFaults: 6, kinds: { pause: { nodes: ['a', 'b', 'c'], durationMs: [100, 30_000] } } };
const pause = fc.record({ kind: fc.constant('pause' as const), atMs: fc.integer({ min: 0, max: 40_000 }), node: fc.constantFrom('a', 'b', 'c'), durationMs: fc.integer({ min: 100, max: 30_000 }) });

describe('shrinkPlan', () => {
  it('gives a 1-minimal plan that fails the same way, with milder values, in fewer runs than the plan has subsets', () => {
    // The bug: node a paused for at least `longMs`, starting no earlier than `fromMs` (a non-monotone failure in time).
    fc.assert(
      fc.property(fc.array(pause, { minLength: 1, maxLength: 6 }), fc.integer({ min: 100, max: 30_000 }), fc.integer({ min: 0, max: 40_000 }), (faults, longMs, fromMs) => {
        const fails = (plan: { faults: readonly Fault[] }) => plan.faults.some((f) => (f as PauseFault).node === 'a' && (f as PauseFault).durationMs >= longMs && f.atMs >= fromMs);
        fc.pre(fails({ faults }));
        let runs = 0;
        const shrunk = shrinkPlan({ faults }, (plan) => (runs++, fails(plan)), { maxRuns: Number.POSITIVE_INFINITY, space });
        expect(shrunk.runs).toBe(runs);
        expect(fails(shrunk.plan)).toBe(true);
        expect(shrunk.oneMinimal).toBe(true);
        expect(shrunk.plan.faults).toHaveLength(1);
        const [only] = shrunk.plan.faults as PauseFault[];
        // Within 1/64 of the distance each search started from.
        expect(only!.durationMs - longMs).toBeLessThanOrEqual(Math.max(1, Math.floor((30_000 - 100) / 64)));
        expect(only!.atMs - fromMs).toBeLessThanOrEqual(Math.max(1, Math.floor(40_000 / 64)));
        expect(runs).toBeLessThan(2 ** faults.length + 20);
      }),
      { numRuns: 200 },
    );
  });

  it('stops at its budget with the smallest failing plan it saw, not claiming 1-minimality', () => {
    const faults: Fault[] = [0, 1, 2, 3].map((i) => ({ kind: 'pause', atMs: 1000 * i, node: 'a', durationMs: 5000 }));
    const shrunk = shrinkPlan({ faults }, (plan) => plan.faults.length >= 2, { maxRuns: 2 });
    expect(shrunk.runs).toBe(2);
    expect(shrunk.oneMinimal).toBe(false);
    expect(shrunk.plan.faults.length).toBeGreaterThanOrEqual(2);
    expect(shrunk.plan.faults.length).toBeLessThanOrEqual(4);
  });
});
