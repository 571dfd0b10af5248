/**
 * dmsg/cold-start: the relay fleet cannot boot from all down.
 *
 * Source: shared/incidents/003_5b6edf88c5ea4344.txt, first part. A
 * fleet-wide redeploy walked into a circular dependency in three nested
 * layers, peeled back one fix at a time:
 * - 3140: each server's accept loop waited for its own transit client's
 *   Ready(), i.e. for another server to accept first;
 * - 3142: discovery, the one party that could break the circle by dialing
 *   servers from config, resolved its dial set from its (empty) store on a
 *   10-minute ticker with no first pass;
 * - 3143: even then, the accept loops were parked behind a blocking
 *   registration call that needs a server that accepts.
 * Only all three fixes together let the fleet lift itself.
 *
 * The explorer chooses the fleet size (2 to 50), when it boots, and crashes
 * (late boots and restarts) and partitions around it. Invariant (liveness):
 * once the faults are over, every running server is accepting and
 * registered within CONVERGE_BOUND_MS (60 s; see timing.ts for why).
 */
import { CONVERGE_BOUND_MS, READ_TIMEOUT_FIX_MS } from '../../models/dmsg/timing.ts';
import { defineScenario, eventually, sometimes, violated } from 'chaos-testbed';
import { buildFleet, coldStart, describeServer, discoveryEntries, FLEET_MAX, serverNames, serving, type FleetFlags } from './fleet.ts';

const layers = (fix3140: boolean, fix3142: boolean, fix3143: boolean): FleetFlags => ({
  acceptGatedOnTransit: !fix3140,
  dialFrom: fix3142 ? 'config' : 'store',
  acceptGatedOnRegistration: !fix3143,
  // The read timeout is the registration-timeout scenario's; here it is the fixed 30 s.
  readTimeoutMs: READ_TIMEOUT_FIX_MS,
});

export const COLD_START_VARIANTS = {
  buggy: layers(false, false, false),
  fixed: layers(true, true, true),
  'fix-3140': layers(true, false, false),
  'fix-3142': layers(false, true, false),
  'fix-3143': layers(false, false, true),
  'fix-3140-3142': layers(true, true, false),
  'fix-3140-3143': layers(true, false, true),
  'fix-3142-3143': layers(false, true, true),
} as const satisfies Record<string, FleetFlags>;

/** Servers and links the explorer may crash or cut: the first ten (a fleet of any size has its first two). */
const TARGETS = serverNames(10);

/** The scenario; `fleetMax` lays out a larger fleet (the benchmark's 1000). */
export function coldStartScenario(options: { readonly fleetMax?: number } = {}) {
  const fleetMax = options.fleetMax ?? FLEET_MAX;
  return defineScenario({
    id: 'dmsg/cold-start',
    title: 'Relay fleet cold-start trap: nobody can be first to accept',
    description:
      'Every dmsg-server waits on a registration (or a transit session) that can only succeed once another server is already ' +
      'accepting, and discovery dials nobody from its empty store: from all down, the fleet never comes up.',
    source: { incident: '003_5b6edf88c5ea4344.txt', figures: ['three nested layers: 3140, 3142, 3143', 'discovery ticker 10 min with no first pass', '4097 SYNs queued while userspace never accepted'] },
    variants: COLD_START_VARIANTS,
    durationMs: 300_000,
    faultSpace: {
      windowMs: [0, 30_000],
      maxFaults: 4,
      kinds: {
        crash: { nodes: [...TARGETS, 'disc'], downMs: [1_000, 30_000] },
        partition: { links: TARGETS.map((s) => [s, 'disc'] as const), durationMs: [1_000, 30_000] },
      },
      custom: { 'cold-start': { fields: { size: [2, fleetMax] } } },
      // The cold start is what every run is about; draw it more often.
      weights: { 'cold-start': 3 },
    },
    build: (sim, flags) => buildFleet(sim, flags, { max: fleetMax }),
    customFaults: { 'cold-start': coldStart },
    // Registration is context: the report's timeline draws how many servers accept and are registered, as the invariant counts them.
    timeline: [{ node: 'disc', name: 'servers serving', value: ({ disc, servers }) => (disc.status() === 'up' ? servers.filter((s) => serving(s, discoveryEntries(disc))).length : undefined) }],
    invariants: ({ disc, servers }) => [
      sometimes('fleet-booted', 'A run where the fleet never boots tests nothing.', () => disc.status() === 'up' && servers.some((s) => s.status() === 'up')),
      eventually('fleet-converges', 'A relay fleet that cannot come up from all down turns every redeploy into an outage.', CONVERGE_BOUND_MS, (world) => {
      if (disc.status() !== 'up') return true;
      const entries = discoveryEntries(disc);
      const up = servers.filter((s) => s.status() === 'up');
      // Before the deadline, the first stuck server is reason enough (a fleet of a thousand is checked at every step).
      if (world.nowMs < world.lastHealMs + CONVERGE_BOUND_MS - 1_000) {
        const first = up.find((s) => !serving(s, entries));
        return first === undefined || violated(describeServer(first, disc, entries));
      }
      const stuck = up.filter((s) => !serving(s, entries));
      if (stuck.length === 0) return true;
      const queued = stuck.reduce((n, s) => n + (s.snapshot()?.context.backlog.length ?? 0), 0);
      return violated(`${stuck.length} of ${up.length} servers not serving (${queued} dials queued in accept queues): ${stuck.slice(0, 3).map((s) => describeServer(s, disc, entries)).join('; ')}`, {
        stuck: stuck.length,
        up: up.length,
        queuedDials: queued,
      });
    }),
  ],
  });
}

export default coldStartScenario();
