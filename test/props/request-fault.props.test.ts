/**
 * A `request-fault` takes exactly `count` matching requests, whatever else
 * the plan does: partitions, loss, duplication, delays, reordering, crashes
 * and pauses of the server, its front end failing, load, other request
 * faults before and after it in the plan, a capacity that queues and cuts
 * requests off, and requests that travel on connections.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineScenario, ratio, run, type Fault, type FaultSpace, type NodeIO, type RequestFault } from 'chaos-testbed';
import { swarmPlanArbitrary } from '../../sim/explore/arbitraries.ts';
import { probe } from '../fixtures/probe.ts';

const TYPES = ['get', 'put'] as const;
const PERIOD_MS = 200;
const DURATION_MS = 60_000;

/** Everything else that may happen, all of it healed by t=30 s: the last 30 s carry hundreds of requests of each type. */
const others: FaultSpace = {
  windowMs: [0, 20_000],
  maxFaults: 6,
  kinds: {
    partition: { links: [['a', 'b'], ['c', 'b']], durationMs: [100, 10_000], oneWay: true, filters: [{}, { types: ['get'] }] },
    drop: { links: [['a', 'b'], ['c', 'b']], durationMs: [100, 10_000], ratios: [ratio(1, 2), ratio(1, 1)], oneWay: true },
    duplicate: { links: [['a', 'b']], durationMs: [100, 10_000], ratios: [ratio(1, 1)] },
    delay: { links: [['a', 'b'], ['c', 'b']], durationMs: [100, 10_000], extraMs: [1, 2_000] },
    reorder: { links: [['a', 'b']], durationMs: [100, 10_000], jitterMs: [1, 500] },
    crash: { nodes: ['b'], downMs: [0, 5_000] },
    restart: { nodes: ['b'] },
    pause: { nodes: ['b'], durationMs: [100, 5_000] },
    load: { nodes: ['b'], factorPct: [100, 1_000], durationMs: [100, 5_000] },
    'http-error': { nodes: ['b'], statuses: [503], durationMs: [100, 5_000] },
    'request-fault': { nodes: ['b'], types: [null, 'get', 'put'], modes: ['error', 'drop-request', 'drop-reply'], count: [1, 5] },
  },
};

const underTest: fc.Arbitrary<RequestFault> = fc.record({
  atMs: fc.integer({ min: 0, max: 20_000 }),
  type: fc.constantFrom(undefined, ...TYPES),
  mode: fc.constantFrom('error', 'drop-request', 'drop-reply'),
  count: fc.integer({ min: 1, max: 8 }),
}).map(({ atMs, type, mode, count }) => ({ kind: 'request-fault', atMs, node: 'b', ...(type === undefined ? {} : { type }), mode, ...(mode === 'error' ? { status: 418 } : {}), count }));

const scenario = defineScenario({
  id: 'test/request-fault',
  title: 'request fault',
  description: 'property test',
  variants: { buggy: {}, fixed: {} },
  durationMs: DURATION_MS,
  build(sim) {
    sim.node('b', probe, (io) => ({ io }), { capacity: { concurrency: 2, serviceMs: { put: 30 }, timeout: { afterMs: 200, status: 504 } } });
    const a = sim.node('a', probe, (io) => ({ io }));
    const c = sim.node('c', probe, (io) => ({ io }));
    for (let t = 0; t < DURATION_MS; t += PERIOD_MS) {
      // a sends datagram requests; c sends its own on a connection it opens again whenever it has none.
      sim.at(t, () => a.send({ type: 'do', run: (io) => TYPES.forEach((type) => void io.request('b', { type }, { timeoutMs: 1_000 })) }));
      sim.at(t + PERIOD_MS / 2, () => c.send({ type: 'do', run: (io: NodeIO) => {
        const open = io.connections().find((k) => k.open);
        if (open === undefined) {
          if (io.connections().length === 0) io.connect('b', { timeoutMs: 1_000 });
          return;
        }
        for (const type of TYPES) io.requestOn(open.id, { type }, { timeoutMs: 1_000 });
      } }));
    }
    return {};
  },
  invariants: () => [],
});

describe('request-fault', () => {
  it('affects exactly `count` requests of its type arriving after atMs, whatever else happens', () => {
    fc.assert(
      fc.property(swarmPlanArbitrary(others), underTest, fc.nat(), fc.integer({ min: 1, max: 1_000 }), ({ plan }, fault, position, seed) => {
        const at = position % (plan.faults.length + 1);
        const faults: Fault[] = [...plan.faults.slice(0, at), fault, ...plan.faults.slice(at)];
        const result = run(scenario, 'buggy', seed, { faults }, { traceMode: 'full' });
        expect(result.outcome).toEqual({ kind: 'pass' });
        const mark = `(request fault ${at + 1})`;
        // The one record the kernel writes for each request a fault takes (a drop-reply's reply loss is a second record, later).
        const taken = result.trace.filter((r) => r.detail.endsWith(mark) && !r.detail.includes('reply lost'));
        expect(taken).toHaveLength(fault.count);
        for (const r of taken) {
          expect(r.atMs).toBeGreaterThanOrEqual(fault.atMs);
          const type = r.detail.replace(/^front end answered /, '').split(/[: ]/)[0]!;
          if (fault.type !== undefined) expect(type).toBe(fault.type);
        }
        expect(result.firedFaults[at]).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
