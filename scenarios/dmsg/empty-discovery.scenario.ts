/**
 * dmsg/empty-discovery: a dmsg-only service spins on "No entries found".
 *
 * Source: shared/incidents/003_5b6edf88c5ea4344.txt (3146, 3157). A
 * dmsg-only service has its servers in its configuration (seeded entries),
 * but its Serve loop only ever asked discovery, which had no entries: it
 * spun forever instead of dialing the servers it already knew.
 *
 * Here three relay servers run and accept; discovery runs with an empty
 * store. The explorer crashes servers and discovery and cuts the client's
 * links. Invariant: the client holds a session within 15 s of the last fault
 * (its 2 s lookup, then up to three dials of at most 2 s each, with room).
 */
import { dmsgClient, type ClientFlags } from '../../models/dmsg/client-bootstrap.ts';
import { discovery } from '../../models/dmsg/discovery.ts';
import { relayServer } from '../../models/dmsg/relay-server.ts';
import { defineScenario, eventually, sometimes, violated } from 'chaos-testbed';

const SEEDED = ['srv-1', 'srv-2', 'srv-3'];
const CONNECT_BOUND_MS = 15_000;

export default defineScenario({
  id: 'dmsg/empty-discovery',
  title: 'A dmsg-only service spins on "No entries found" with its servers in its config',
  description: 'Discovery yields no entries; the client never falls back to the seeded servers it was configured with, so it never connects.',
  source: { incident: '003_5b6edf88c5ea4344.txt', figures: ['3146: fall back to seeded servers when discovery yields no entries', '3157: seed the dmsg client entry cache'] },
  variants: { buggy: { fallbackToSeeded: false }, fixed: { fallbackToSeeded: true } } satisfies Record<string, ClientFlags>,
  durationMs: 120_000,
  faultSpace: {
    windowMs: [0, 30_000],
    maxFaults: 3,
    kinds: {
      crash: { nodes: [...SEEDED, 'disc'], downMs: [1_000, 20_000] },
      partition: { links: SEEDED.map((s) => ['client', s] as const), durationMs: [1_000, 20_000] },
    },
  },
  build(sim, flags) {
    for (const id of SEEDED) {
      sim.node(id, relayServer, (io) => ({ io, disc: 'disc', peers: SEEDED.filter((p) => p !== id), acceptGatedOnTransit: false, acceptGatedOnRegistration: false }));
    }
    // Discovery with an empty store that dials nobody: it answers lookups with no entries.
    sim.node('disc', discovery, (io) => ({ io, servers: [], dialFrom: 'store' as const }));
    const client = sim.node('client', dmsgClient, (io) => ({ io, disc: 'disc', seeded: SEEDED, fallbackToSeeded: flags.fallbackToSeeded }));
    return { client };
  },
  invariants: ({ client }) => [
    sometimes('fell-back', 'The fallback path is what the fix adds; a search that never takes it tests nothing.', () => (client.snapshot()?.context.connectedTo ?? null) !== null),
    eventually('client-connects', 'A service that cannot reach any relay is down, whatever discovery says.', CONNECT_BOUND_MS, () => {
      const c = client.snapshot()?.context;
      if (c?.connectedTo != null) return true;
      return violated(`no session after ${c?.emptyLookups ?? 0} lookups that found no entries ("No entries found")`, { emptyLookups: c?.emptyLookups ?? 0 });
    }),
  ],
});
