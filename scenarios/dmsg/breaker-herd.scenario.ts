/**
 * dmsg/breaker-herd: a half-open circuit breaker lets the whole herd through.
 *
 * Source: shared/incidents/003_5b6edf88c5ea4344.txt (3158, in the
 * post-incident audit). The route setup node's breaker for a destination,
 * once its cooldown passed, admitted every caller in half-open: a herd of
 * route setups against a destination that may still be down, each waiting
 * out its deadline. The fix admits one probe; its result decides.
 *
 * Five callers ask for a route every second; the explorer takes the
 * destination down and cuts or slows its link. Invariants: in half-open at
 * most one probe is in flight; after the faults, routes work again within
 * a cooldown and a probe.
 */
import { BREAKER_COOLDOWN_MS, circuitBreaker, probesInFlight, SETUP_TIMEOUT_MS, type BreakerFlags } from '../../models/dmsg/circuit-breaker.ts';
import { periodicCaller } from '../../models/dmsg/periodic-caller.ts';
import { responder } from '../../models/dmsg/responder.ts';
import { always, defineScenario, eventually, sometimes, violated } from 'chaos-testbed';

const CALLERS = 5;

export default defineScenario({
  id: 'dmsg/breaker-herd',
  title: "A half-open circuit breaker admits every caller at a destination that may still be down",
  description: 'After its cooldown the breaker goes half-open and lets every route setup through at once instead of one probe.',
  source: { incident: '003_5b6edf88c5ea4344.txt', figures: ['3158: half-open admits every caller'] },
  variants: { buggy: { halfOpenAdmitsAll: true }, fixed: { halfOpenAdmitsAll: false } } satisfies Record<string, BreakerFlags>,
  durationMs: 120_000,
  faultSpace: {
    windowMs: [0, 30_000],
    maxFaults: 3,
    kinds: {
      crash: { nodes: ['destination'], downMs: [2_000, 30_000] },
      partition: { links: [['setup-node', 'destination']], durationMs: [2_000, 30_000] },
      delay: { links: [['setup-node', 'destination']], extraMs: [500, 5_000], durationMs: [2_000, 30_000] },
    },
  },
  build(sim, flags) {
    sim.node('destination', responder, (io) => ({ io }));
    const breaker = sim.node('setup-node', circuitBreaker, (io) => ({ io, destination: 'destination', halfOpenAdmitsAll: flags.halfOpenAdmitsAll }));
    for (let i = 0; i < CALLERS; i++) {
      sim.node(`caller-${i + 1}`, periodicCaller, (io) => ({ io, target: 'setup-node', message: { type: 'route' }, periodMs: 1_000, phaseMs: 100 + i * 200, timeoutMs: 5_000 }));
    }
    return { breaker };
  },
  // The breaker's state is context, not a machine state: the report's timeline draws it, and the probes in flight.
  timeline: [
    { node: 'setup-node', name: 'breaker', value: ({ breaker }) => breaker.snapshot()?.context.state },
    { node: 'setup-node', name: 'probes in flight', value: ({ breaker }) => { const c = breaker.snapshot()?.context; return c === undefined ? undefined : probesInFlight(c); } },
  ],
  invariants: ({ breaker }) => [
    sometimes('breaker-opened', 'The breaker opening is the path to half-open; a search that never opens it is blind.', () => breaker.snapshot()?.context.state === 'open'),
    always('one-probe-in-half-open', 'Half-open exists to test a destination with one request; a herd there piles setups on a destination that may still be down.', () => {
      const c = breaker.snapshot()?.context;
      const probes = c === undefined ? 0 : probesInFlight(c);
      if (probes <= 1) return true;
      return violated(`${probes} probes in flight in half-open (the breaker let every caller through)`, { probes });
    }),
    eventually('routes-recover', 'Once the destination is back, routes must work again within a cooldown and a probe.', BREAKER_COOLDOWN_MS + 2 * SETUP_TIMEOUT_MS + 2_000, () => {
      const state = breaker.snapshot()?.context.state;
      return state === 'closed' || violated(`the breaker is still ${state}`);
    }),
  ],
});
