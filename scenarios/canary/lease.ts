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
import { always, defineScenario, eventually, sometimes, violated } from '../../sim/index.ts';

const CLIENTS = ['client-a', 'client-b'] as const;

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
