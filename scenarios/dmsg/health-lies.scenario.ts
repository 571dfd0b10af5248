/**
 * dmsg/health-lies: /health says healthy while the data plane is dead.
 *
 * Source: shared/incidents/003_5b6edf88c5ea4344.txt (3154), "the clearest
 * example of the outage's failure class": the HTTP health server ran in the
 * foreground, the dmsg data plane in a goroutine; when the data plane died
 * first, its error sat unread and /health kept reporting healthy.
 *
 * A client relays through the server every second and a supervisor probes
 * /health every 5 s; the explorer kills the data plane and cuts links.
 * Invariants: /health answers healthy only while the data plane relays, up
 * to one probe period of lag; the supervisor gets a dead server relaying
 * again within two probe periods and a restart.
 */
import { HEALTH_PROBE_MS, HEALTH_TIMEOUT_MS, healthServer, RESTART_MS, supervisor, type HealthFlags } from '../../models/dmsg/health-server.ts';
import { periodicCaller } from '../../models/dmsg/periodic-caller.ts';
import { always, defineScenario, eventually, sometimes, violated } from 'chaos-testbed';

export default defineScenario({
  id: 'dmsg/health-lies',
  title: '/health reports healthy while the dmsg data plane is dead',
  description: 'The data plane dies in its goroutine; the foreground health server keeps answering 200, so nothing restarts the dead server.',
  source: { incident: '003_5b6edf88c5ea4344.txt', figures: ['3154: surface dmsg data-plane death'] },
  variants: { buggy: { surfaceDataPlaneDeath: false }, fixed: { surfaceDataPlaneDeath: true } } satisfies Record<string, HealthFlags>,
  durationMs: 120_000,
  faultSpace: {
    windowMs: [0, 60_000],
    maxFaults: 3,
    kinds: { partition: { links: [['supervisor', 'dmsg-server']], durationMs: [1_000, 15_000] } },
    custom: { 'data-plane-dies': { fields: {} } },
  },
  build(sim, flags) {
    const server = sim.node('dmsg-server', healthServer, (io) => ({ io, surfaceDataPlaneDeath: flags.surfaceDataPlaneDeath }));
    sim.node('supervisor', supervisor, (io) => ({ io, server: 'dmsg-server' }));
    sim.node('client', periodicCaller, (io) => ({ io, target: 'dmsg-server', message: { type: 'relay' }, periodMs: 1_000, phaseMs: 500, timeoutMs: 2_000 }));
    return { server };
  },
  customFaults: {
    'data-plane-dies': {
      about: "The data plane's goroutine dies (a session mux error, a panic recovered into a return).",
      validate: () => undefined,
      apply: (_f, { server }) => {
        if (server.snapshot()?.context.dataPlaneAlive !== true) return false;
        server.send({ type: 'data-plane-dies' });
        return true;
      },
    },
  },
  invariants: ({ server }) => [
    sometimes('restarted', 'A restart after a data-plane death is the recovery path.', () => server.starts() > 1),
    always('health-tells-the-truth', 'A health check that passes for a dead server keeps it in rotation and out of the supervisor’s hands.', () => {
      const c = server.snapshot()?.context;
      if (c?.dataPlaneDiedAtMs == null || c.lastHealthyAtMs === null) return true;
      if (c.lastHealthyAtMs - c.dataPlaneDiedAtMs <= HEALTH_PROBE_MS) return true;
      return violated(`/health answered healthy at t=${c.lastHealthyAtMs} ms; the data plane died at t=${c.dataPlaneDiedAtMs} ms`, { diedAtMs: c.dataPlaneDiedAtMs, healthyAtMs: c.lastHealthyAtMs });
    }),
    eventually('dead-server-restarted', 'A server whose data plane died must be relaying again soon, without an operator.', 2 * HEALTH_PROBE_MS + HEALTH_TIMEOUT_MS + RESTART_MS + 1_000, () => {
      const c = server.snapshot()?.context;
      if (c === undefined) return violated('the server process is down and nothing started it again');
      return c.dataPlaneAlive || violated(`the data plane has been dead since t=${c.dataPlaneDiedAtMs} ms and nothing restarted it`);
    }),
  ],
});
