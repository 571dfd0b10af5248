/**
 * dmsg/registration-timeout: the recovery herd cuts registrations off.
 *
 * Source: shared/incidents/003_5b6edf88c5ea4344.txt (3147). Registration is
 * HTTP over dmsg, and discovery's read timeout bounds the whole request
 * read. During the mass reconnect after a fleet restart the streams were
 * congested, a small signed-entry POST took longer than 3 s to read, the
 * read was cut off ("unexpected EOF"), and the server fell out of discovery.
 * The fix raised the read timeout to 30 s.
 *
 * A fleet of 30 servers (all three cold-start fixes in) boots one by one;
 * the explorer restarts groups of them at once. Invariant: every running
 * server is accepting and registered within 60 s of the last restart.
 */
import { CONVERGE_BOUND_MS, POST_READ_MS, READ_TIMEOUT_BUG_MS, READ_TIMEOUT_FIX_MS } from '../../models/dmsg/timing.ts';
import { defineScenario, eventually, sometimes, violated } from 'chaos-testbed';
import { buildFleet, describeServer, discoveryEntries, serving, type Fleet, type FleetFlags } from './fleet.ts';

const FLEET = 30;
/** The fleet boots one server every 500 ms (longer than one read), so booting is no herd; restarts come after. */
const BOOT_GAP_MS = 500;
const BOOTED_MS = FLEET * BOOT_GAP_MS;

/** The first three running servers that are not registered, for people. */
function describeStuck(servers: Fleet['servers'], disc: Fleet['disc'], entries: ReadonlySet<string>): string {
  return servers
    .filter((s) => s.status() === 'up' && !serving(s, entries))
    .slice(0, 3)
    .map((s) => describeServer(s, disc, entries))
    .join('; ');
}

const flags = (readTimeoutMs: number): FleetFlags => ({ acceptGatedOnTransit: false, acceptGatedOnRegistration: false, dialFrom: 'config', readTimeoutMs });

export default defineScenario({
  id: 'dmsg/registration-timeout',
  title: 'A 3 s read timeout drops registration POSTs during the recovery herd',
  description:
    'After a fleet restart every server re-registers at once; the congested streams make a small POST take longer than ' +
    "discovery's 3 s read timeout, which bounds the whole read, so registrations are cut off and servers fall out of discovery.",
  source: { incident: '003_5b6edf88c5ea4344.txt', figures: ['read timeout 3 s, raised to 30 s (3147)', 'registration EOF during the recovery herd'] },
  variants: { buggy: flags(READ_TIMEOUT_BUG_MS), fixed: flags(READ_TIMEOUT_FIX_MS) },
  durationMs: BOOTED_MS + 150_000,
  // Liveness is judged from the end of the staggered boot, or the last restart.
  quietAfterMs: BOOTED_MS + 10_000,
  faultSpace: {
    windowMs: [BOOTED_MS + 10_000, BOOTED_MS + 60_000],
    maxFaults: 3,
    kinds: {},
    custom: { 'fleet-restart': { fields: { count: [1, FLEET] } } },
  },
  build(sim, variantFlags) {
    const fleet = buildFleet(sim, variantFlags, { max: FLEET });
    sim.at(0, () => fleet.disc.start());
    fleet.servers.forEach((server, i) => sim.at((i + 1) * BOOT_GAP_MS, () => server.start()));
    return fleet;
  },
  customFaults: {
    'fleet-restart': {
      about: 'A redeploy restarts this many servers at once; each re-registers as it comes back (the herd).',
      validate: (f) => (Number.isInteger(f.count) && (f.count as number) >= 1 ? undefined : "needs 'count' (servers to restart)"),
      apply: (f, { servers }) => {
        const group = servers.slice(0, f.count as number).filter((s) => s.status() === 'up');
        for (const server of group) server.crash();
        for (const server of group) server.start();
        return group.length > 0;
      },
    },
  },
  // What the report's timeline shows beside the states: how many servers are registered (as the invariant counts them), and how many POSTs discovery is reading at once.
  timeline: [
    { node: 'disc', name: 'servers registered', value: ({ disc, servers }) => (disc.status() === 'up' ? servers.filter((s) => serving(s, discoveryEntries(disc))).length : undefined) },
    { node: 'disc', name: 'registrations being read', value: ({ disc }) => (disc.status() === 'up' ? disc.backlog() : undefined) },
  ],
  invariants: ({ disc, servers }) => [
    // More reads queued than fit in 3 s: the incident's timeout would cut the last ones off.
    sometimes('herd-read-cut-off', 'A registration read cut off is the failure the read timeout causes; a search that never congests the streams is blind.', () =>
      disc.backlog() * POST_READ_MS > READ_TIMEOUT_BUG_MS,
    ),
    eventually('fleet-registered', 'A server that fell out of discovery is unreachable for everyone who looks it up.', CONVERGE_BOUND_MS, () => {
      if (disc.status() !== 'up') return true;
      const entries = discoveryEntries(disc);
      // Asked after every step until the fleet is registered: count first, and describe only if reported.
      let up = 0;
      let stuck = 0;
      for (const s of servers) {
        if (s.status() !== 'up') continue;
        up++;
        if (!serving(s, entries)) stuck++;
      }
      if (stuck === 0) return true;
      // An unnamed arrow: tsx names every arrow bound to a name at each call (esbuild's keepNames), a cost per evaluation.
      return violated(() => `${stuck} of ${up} servers not registered: ${describeStuck(servers, disc, entries)}`, { stuck });
    }),
  ],
});
