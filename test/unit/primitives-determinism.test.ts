/**
 * Determinism over the primitives: a scenario that uses every one of them
 * (connections, capacity, forwarding, request faults, filtered link faults,
 * exits under a restart policy with new addresses, a controller starting
 * and stopping a node, a warm start, a per-subject liveness clock and the
 * world view) gives byte-identical traces for the same seed and plan.
 */
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { always, defineScenario, eventuallyEach, ratio, run, type FaultPlan, type IncomingRequest, type NodeIO } from 'chaos-testbed';
import { selfCheck } from '../../sim/kernel/self-check.ts';
import { probe } from '../fixtures/probe.ts';

/** A front end that forwards `read`s to the store and answers the rest itself. */
const frontEnd = setup({ types: { input: {} as { io: NodeIO }, context: {} as { io: NodeIO }, events: {} as IncomingRequest } }).createMachine({
  context: ({ input }) => input,
  on: {
    '*': {
      actions: ({ context, event }) => {
        if (!('requestId' in event) || event.type.includes('.')) return;
        if (event.type === 'read') context.io.forward(event, 'store', { timeoutMs: 300 });
        else context.io.reply(event, { status: 200 });
      },
    },
  },
});

const plan: FaultPlan = {
  faults: [
    { kind: 'drop', atMs: 2_000, durationMs: 4_000, from: 'worker', to: 'front', oneWay: false, ratio: ratio(1, 3), minBytes: 1_500 },
    { kind: 'partition', atMs: 5_000, durationMs: 3_000, from: 'front', to: 'store', oneWay: true, types: ['read'] },
    { kind: 'request-fault', atMs: 3_000, node: 'front', type: 'write', mode: 'drop-reply', count: 3 },
    { kind: 'request-fault', atMs: 4_000, node: 'store', mode: 'error', status: 500, count: 2 },
    { kind: 'load', atMs: 9_000, node: 'store', factorPct: 400, durationMs: 3_000 },
    { kind: 'reorder', atMs: 10_000, durationMs: 5_000, from: 'worker', to: 'front', oneWay: false, jitterMs: 300 },
    { kind: 'crash', atMs: 12_000, node: 'front', downMs: 1_500 },
    { kind: 'pause', atMs: 16_000, node: 'worker', durationMs: 1_000 },
  ],
};

const scenario = defineScenario({
  id: 'test/primitives',
  title: 'every primitive',
  description: 'determinism test',
  variants: { buggy: {}, fixed: {} },
  durationMs: 30_000,
  build(sim) {
    sim.node('store', probe, (io) => ({ io }), { capacity: { concurrency: 1, serviceMs: 40, queueLimit: 5 }, durable: { warm: true } });
    const front = sim.node('front', frontEnd, (io) => ({ io }), { capacity: [{ concurrency: 2, serviceMs: { write: 25 }, timeout: { afterMs: 200, status: 503 } }] });
    const worker = sim.node('worker', probe, (io) => ({ io }), { restart: { policy: 'on-failure', delayMs: 300, newAddress: true } });
    const spare = sim.node('spare', probe, (io) => ({ io }), { startAtMs: null });
    const ctl = sim.node('ctl', probe, (io) => ({ io }));
    for (let t = 100; t < 30_000; t += 100) {
      sim.at(t, () =>
        worker.send({
          type: 'do',
          run: (io) => {
            const open = io.connections().find((c) => c.open);
            if (open === undefined) {
              if (io.connections().length === 0) io.connect('front', { timeoutMs: 500, userTimeoutMs: 2_000 });
            } else {
              io.requestOn(open.id, { type: io.rng.chance(ratio(1, 2)) ? 'read' : 'write', sizeBytes: io.rng.int(100, 3_000) }, { timeoutMs: 800 });
              if (io.rng.chance(ratio(1, 80))) io.exit(1);
            }
            io.request('front', { type: 'read' }, { timeoutMs: 400 });
          },
        }),
      );
    }
    for (let t = 1_000; t < 30_000; t += 2_000) sim.at(t, () => ctl.send({ type: 'do', run: (io) => (spare.status() === 'down' ? io.startNode('spare') : io.stopNode('spare')) }));
    return { front, worker, spare };
  },
  invariants: ({ worker }) => [
    // The view is read at every step: faults in force come from the plan, and a partition of reads only cuts no link.
    always('view-is-consistent', 'Exercises the world view.', (w) => w.activeFaults.every((f) => plan.faults.includes(f)) && !w.isCut('front', 'store')),
    eventuallyEach('worker-connects', 'Exercises per-subject clocks.', 60_000, { since: (w) => (w.status('worker') === 'up' ? [worker.address()] : []), check: () => worker.connections().some((c) => c.open) }),
  ],
});

describe('determinism over the primitives', () => {
  it('passes the self-check: two runs of one seed and plan give identical traces', () => {
    for (const seed of [1, 2, 3]) {
      const check = selfCheck(scenario, 'buggy', seed, plan);
      expect(check.divergence).toBeUndefined();
      expect(check.first.traceLength).toBeGreaterThan(2_000);
    }
  });

  it('gives the same hash keeping the whole trace or only the hash, and different schedules for different seeds', () => {
    const full = run(scenario, 'buggy', 5, plan, { traceMode: 'full' });
    expect(run(scenario, 'buggy', 5, plan).traceHash).toBe(full.traceHash);
    const kinds = new Set(full.trace.map((r) => r.detail.split(' ')[0]));
    // The run really went through connections, resets and exits.
    expect([...kinds]).toEqual(expect.arrayContaining(['connect', 'accept', 'reset']));
    expect(full.trace.some((r) => r.kind === 'crash' && r.detail === 'exited with code 1')).toBe(true);
    expect(full.trace.some((r) => r.kind === 'crash' && r.detail === 'stopped by ctl')).toBe(true);
    expect(new Set([1, 2, 3, 4].map((seed) => run(scenario, 'buggy', seed, plan).traceHash)).size).toBe(4);
  });
});
