/**
 * dmsg/zombie-entry: a put that lands after Close() deleted the entry.
 *
 * Source: shared/incidents/003_5b6edf88c5ea4344.txt (3145, 3150). Moving
 * the entry-publish loops into background goroutines meant Close()'s
 * wg.Wait() no longer joined them; a still-draining PutEntry could land
 * after delEntry, leaving a zombie entry advertising a dead server ("the
 * advertised but unreachable shape" of the outage).
 *
 * The explorer closes the server at a time of its choosing and slows or
 * reorders its link to discovery. Invariant: once Close() has returned,
 * discovery never again advertises the server.
 */
import { ENTRY_STORE_CAPACITY, entryPublisher, entryStore, type PublisherFlags } from '../../models/dmsg/entry-publisher.ts';
import { always, defineScenario, sometimes, violated } from 'chaos-testbed';

export default defineScenario({
  id: 'dmsg/zombie-entry',
  title: 'A zombie discovery entry advertises a server that has closed',
  description: "Close() deletes the server's entry while a background PutEntry is still draining; the put lands afterwards and the dead server stays advertised.",
  source: { incident: '003_5b6edf88c5ea4344.txt', figures: ['3145: wg-track the backgrounded entry-publish goroutines', '3150'] },
  variants: { buggy: { closeJoinsPublishers: false }, fixed: { closeJoinsPublishers: true } } satisfies Record<string, PublisherFlags>,
  durationMs: 60_000,
  faultSpace: {
    windowMs: [0, 30_000],
    maxFaults: 3,
    kinds: {
      delay: { links: [['srv-1', 'disc']], extraMs: [10, 2_000], durationMs: [1_000, 20_000], oneWay: true },
      reorder: { links: [['srv-1', 'disc']], jitterMs: [10, 2_000], durationMs: [1_000, 20_000] },
    },
    custom: { close: { fields: {} } },
  },
  build(sim, flags) {
    const disc = sim.node('disc', entryStore, (io) => ({ io }), { capacity: ENTRY_STORE_CAPACITY });
    const server = sim.node('srv-1', entryPublisher, (io) => ({ io, disc: 'disc', closeJoinsPublishers: flags.closeJoinsPublishers }));
    return { disc, server };
  },
  customFaults: {
    close: {
      about: 'The operator stops the server: Close() runs.',
      validate: () => undefined,
      apply: (_f, { server }) => {
        if (server.snapshot()?.matches('serving') !== true) return false;
        server.send({ type: 'close' });
        return true;
      },
    },
  },
  invariants: ({ disc, server }) => [
    sometimes('closed', 'A close is where the race lives; a search that never closes the server is blind.', () => (server.snapshot()?.context.closedAtMs ?? null) !== null),
    always('no-zombie-entry', 'An entry for a closed server sends every client that looks it up to a server that is gone.', () => {
      const closedAtMs = server.snapshot()?.context.closedAtMs ?? null;
      if (closedAtMs === null || !(disc.snapshot()?.context.entries.includes('srv-1') ?? false)) return true;
      return violated(`srv-1's Close() returned at t=${closedAtMs} ms, and discovery advertises it again: a put that was still draining landed after the delete`, { closedAtMs });
    }),
  ],
});
