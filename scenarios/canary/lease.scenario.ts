/**
 * canary/lease: the testbed's own canary (TigerBeetle keeps one too). A
 * scenario whose buggy variant must fail under one simple fault and whose
 * fixed variant must hold, so that a change that blinds the machinery (a
 * guard that never fires, an injector that applies nothing, a shrinker that
 * loses the bug) makes a test fail instead of passing silently.
 *
 * System: one lease server and two clients competing for the lease, with
 * Kubernetes leader-election timings. Bug: a holder that keeps believing it
 * holds the lease while it cannot renew. One partition between the holder
 * and the server, longer than the lease, gives two holders.
 */
import { leaseClient, actsAsHolder } from '../../models/canary/lease-client.ts';
import { leaseServer } from '../../models/canary/lease-server.ts';
import { LEASE_DURATION_MS, RENEW_DEADLINE_MS } from '../../models/canary/lease-timing.ts';
import { always, defineScenario, eventually, ratio, sometimes, violated, type Link } from 'chaos-testbed';

const CLIENTS = ['client-a', 'client-b'] as const;
const LINKS: readonly Link[] = [
  ['client-a', 'lease-server'],
  ['client-b', 'lease-server'],
  ['client-a', 'client-b'], // the clients never talk: faults here are harmless decoys
];
/** Fault windows up to twice the lease, long enough to outlast it. */
const MAX_FAULT_MS = 2 * LEASE_DURATION_MS;

export default defineScenario({
  id: 'canary/lease',
  title: 'Canary: a lease holder that never steps down',
  description:
    'Two clients compete for one lease on a lease server. A holder that cannot renew must stop acting as holder ' +
    'before the server can grant the lease to someone else. The buggy client keeps believing until it is told otherwise.',
  variants: {
    buggy: { stepDownOnDeadline: false },
    fixed: { stepDownOnDeadline: true },
  },
  durationMs: 60_000,
  faultSpace: {
    windowMs: [0, 40_000],
    maxFaults: 4,
    kinds: {
      partition: { links: LINKS, durationMs: [100, MAX_FAULT_MS], oneWay: true },
      pause: { nodes: ['client-a', 'client-b', 'lease-server'], durationMs: [100, MAX_FAULT_MS] },
      crash: { nodes: ['client-a', 'client-b', 'lease-server'], downMs: [0, MAX_FAULT_MS] },
      delay: { links: LINKS, durationMs: [100, MAX_FAULT_MS], extraMs: [1, 2_000] },
      drop: { links: LINKS, durationMs: [100, MAX_FAULT_MS], ratios: [ratio(1, 10), ratio(1, 2), ratio(1, 1)] },
      duplicate: { links: LINKS, durationMs: [100, MAX_FAULT_MS], ratios: [ratio(1, 2)] },
    },
  },
  build(sim, flags) {
    const server = sim.node('lease-server', leaseServer, (io) => ({ io }));
    const clients = CLIENTS.map((id) =>
      sim.node(id, leaseClient, (io) => ({ io, server: 'lease-server', stepDownOnDeadline: flags.stepDownOnDeadline })),
    );
    return { server, clients };
  },
  invariants: ({ clients }) => [
    always(
      'single-holder',
      'Two clients acting as holder at once is the split brain a lease exists to prevent: both would write.',
      () => {
        const holders = clients.filter((c) => {
          const snapshot = c.snapshot();
          return c.status() === 'up' && snapshot !== undefined && actsAsHolder(snapshot, c.localNowMs());
        });
        return holders.length <= 1 || violated(`${holders.map((h) => h.id).join(' and ')} both act as holder`, { holders: holders.map((h) => h.id) });
      },
    ),
    eventually(
      'someone-holds',
      'Once faults heal, the lease must not stay orphaned: work stops while nobody holds it.',
      // A lapsed grant frees the lease after LEASE_DURATION; a retry period or two later someone holds it.
      LEASE_DURATION_MS + RENEW_DEADLINE_MS,
      () =>
        clients.some((c) => c.snapshot()?.matches('holding') === true) ||
        violated('no client holds the lease', { states: clients.map((c) => `${c.id}:${c.status()}`) }),
    ),
    sometimes('lease-moves', 'The lease changing hands is the path the bug lives on; a search that never gets there is blind.', () =>
      clients[1]!.snapshot()?.matches('holding') === true,
    ),
  ],
});
