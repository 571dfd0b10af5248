import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ratio, type FaultSpace, type RequestFault } from 'chaos-testbed';
import { swarmPlanArbitrary } from '../../sim/explore/arbitraries.ts';

const space: FaultSpace = {
  windowMs: [0, 10_000],
  maxFaults: 8,
  maxPerKind: { partition: 1 },
  kinds: {
    partition: { links: [['a', 'b']], durationMs: [100, 1_000], filters: [{}, { types: ['register'] }, { minBytes: 1_400 }] },
    drop: { links: [['a', 'b']], durationMs: [100, 1_000], ratios: [ratio(1, 2)] },
    'request-fault': { nodes: ['b'], types: [null, 'poll'], modes: ['error', 'drop-reply'], statuses: [500, 503], count: [1, 10] },
  },
};

const samples = fc.sample(swarmPlanArbitrary(space), { seed: 7, numRuns: 400 }).map((s) => s.plan);

describe('fault space', () => {
  it('keeps a plan within a kind’s own limit ("one bad linecard")', () => {
    for (const plan of samples) expect(plan.faults.filter((f) => f.kind === 'partition').length).toBeLessThanOrEqual(1);
    expect(samples.some((p) => p.faults.filter((f) => f.kind === 'drop').length > 1)).toBe(true);
  });

  it('draws link faults with one of the filters the space lists', () => {
    const filters = new Set(samples.flatMap((p) => p.faults.filter((f) => f.kind === 'partition')).map((f) => JSON.stringify({ types: (f as { types?: string[] }).types, minBytes: (f as { minBytes?: number }).minBytes })));
    expect([...filters].sort()).toEqual(['{"minBytes":1400}', '{"types":["register"]}', '{}']);
  });

  it('draws request faults from the space: a status only for errors, a type only when one is drawn', () => {
    const drawn = samples.flatMap((p) => p.faults.filter((f): f is RequestFault => f.kind === 'request-fault'));
    expect(drawn.length).toBeGreaterThan(20);
    for (const f of drawn) {
      expect(f.node).toBe('b');
      expect(f.count).toBeGreaterThanOrEqual(1);
      expect(f.count).toBeLessThanOrEqual(10);
      expect('status' in f).toBe(f.mode === 'error');
      if (f.status !== undefined) expect([500, 503]).toContain(f.status);
      if ('type' in f) expect(f.type).toBe('poll');
    }
    expect(drawn.some((f) => !('type' in f))).toBe(true);
  });

  it('shrinks a request fault toward count 1, no type, the first mode', () => {
    const details = fc.check(fc.property(swarmPlanArbitrary(space), ({ plan }) => !plan.faults.some((f) => f.kind === 'request-fault')), { seed: 3, numRuns: 200 });
    expect(details.failed).toBe(true);
    const [shrunk] = details.counterexample!;
    expect(shrunk.plan.faults).toEqual([{ kind: 'request-fault', atMs: 0, node: 'b', mode: 'error', status: 500, count: 1 }]);
  });
});
