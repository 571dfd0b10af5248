/**
 * dmsg/route-leak: retries against a misconfigured remote leak route groups.
 *
 * Source: shared/incidents/003_5b6edf88c5ea4344.txt (3149). UI and CLI
 * retries against a misconfigured remote were leaking one open route group
 * per attempt: the error paths of connectRawTCPSkynet returned without
 * closing the group they had dialed.
 *
 * A user connects, uses, closes and connects again; each route group is a
 * connection. The explorer misconfigures the remote for a while, and delays
 * or cuts the link. Invariant: the visor's open connections stay bounded (at
 * most the one in use or being dialed) however many attempts fail.
 */
import { routeClient, routeRemote, type RouteClientFlags } from '../../models/dmsg/route-client.ts';
import { always, defineScenario, sometimes, violated, windowFault } from 'chaos-testbed';

const MAX_OPEN_GROUPS = 1;

export default defineScenario({
  id: 'dmsg/route-leak',
  title: 'Retries against a misconfigured remote leak one route group each',
  description: 'Every failed connect attempt leaves the route group it dialed open; a UI that retries leaks without bound.',
  source: { incident: '003_5b6edf88c5ea4344.txt', figures: ['3149: one open route group leaked per failed attempt'] },
  variants: { buggy: { closeOnError: false }, fixed: { closeOnError: true } } satisfies Record<string, RouteClientFlags>,
  durationMs: 120_000,
  faultSpace: {
    windowMs: [0, 60_000],
    maxFaults: 3,
    kinds: {
      partition: { links: [['visor', 'remote']], durationMs: [1_000, 20_000] },
      delay: { links: [['visor', 'remote']], extraMs: [100, 3_000], durationMs: [1_000, 20_000] },
    },
    custom: { misconfigure: { fields: { durationMs: [1_000, 30_000] } } },
  },
  build(sim, flags) {
    const remote = sim.node('remote', routeRemote, (io) => ({ io }));
    const visor = sim.node('visor', routeClient, (io) => ({ io, remote: 'remote', closeOnError: flags.closeOnError }));
    return { remote, visor };
  },
  customFaults: {
    misconfigure: windowFault('The remote is misconfigured (the port the user asks for is not served) for durationMs.', 'remote', { type: 'misconfigure', on: true }, { type: 'misconfigure', on: false }),
  },
  invariants: ({ visor }) => [
    sometimes('attempt-failed', 'Failed attempts are where the leak lives; a search without any is blind.', () => (visor.snapshot()?.context.failures ?? 0) > 0),
    always('route-groups-bounded', 'Every leaked route group holds resources on the visor and the route; retries must not grow them without bound.', () => {
      const c = visor.snapshot()?.context;
      const open = visor.connections().length;
      if (c === undefined || open <= MAX_OPEN_GROUPS) return true;
      return violated(`${open} route groups open after ${c.attempts} attempts (${c.failures} failed); at most ${MAX_OPEN_GROUPS} may be`, { openGroups: open, failures: c.failures });
    }),
  ],
});
