/**
 * tunnel/detach-readiness: `--detach` exits 0 with a hostname that does not
 * answer yet.
 *
 * Source: shared/incidents/002_7922b7283284f21b.txt (design review,
 * contradictions 2 and 3). Detach mode prints the hostname and exits; as
 * written, the parent exits 0 once the 10 s readiness window passes even if
 * readiness was never confirmed, contradicting the verify phase and the
 * exit-code table. The resolution: exit 0 only when the verify phase saw the
 * proxy respond; exit 75 when readiness is not confirmed in the window.
 *
 * The explorer slows the control plane (long reconciles, slow links) and
 * blips its front end.
 */
import { DETACH_WINDOW_MS, EXIT_NOT_READY, MAX_CONSECUTIVE_POLL_ERRORS } from '../../models/tunnel/timing.ts';
import { always, defineScenario, eventually, sometimes, violated } from 'chaos-testbed';
import { buildTunnelSystem, CONTROL_PLANE_FAULTS, TUNNEL_BUGGY, TUNNEL_FIXED } from './common.ts';

export default defineScenario({
  id: 'tunnel/detach-readiness',
  title: 'Detach mode exits 0 with a hostname that is not ready',
  description:
    'A detached tunnel under a slow control plane: once the 10 s readiness window passes, the parent prints the ' +
    'hostname and exits 0 though the verify phase never saw the proxy respond; scripts that trust exit 0 fail on the next request.',
  source: { incident: '002_7922b7283284f21b.txt', figures: ['10 s detach readiness window', 'exit 75 when readiness is not confirmed'] },
  variants: { buggy: TUNNEL_BUGGY, fixed: TUNNEL_FIXED },
  durationMs: 180_000,
  faultSpace: {
    windowMs: [0, 10_000],
    maxFaults: 3,
    kinds: {
      'http-error': { nodes: ['envoy'], statuses: [503], durationMs: [200, 5_000] },
      // A slow network between the user and the API (Envoy's own upstream is local and fast).
      delay: { links: [['tunnel', 'envoy']], extraMs: [100, 3_000], durationMs: [1_000, 30_000] },
    },
    custom: { 'slow-reconcile': { fields: { durationMs: [1_000, 60_000] } } },
  },
  build: (sim, flags) => buildTunnelSystem(sim, flags, { mode: 'detach' }),
  customFaults: { 'slow-reconcile': CONTROL_PLANE_FAULTS['slow-reconcile'] },
  invariants: ({ cli }) => [
    sometimes('not-ready-in-window', 'A setup slower than the window is where the exit code can lie.', () => {
      const c = cli.snapshot()?.context;
      return c !== undefined && c.exit !== null && (c.verifiedAtMs === null || c.verifiedAtMs > c.exit.atMs);
    }),
    always('exit-0-means-verified', 'A script that gets exit 0 and a hostname sends traffic to it at once; the proxy must have been seen responding.', () => {
      const c = cli.snapshot()?.context;
      if (c?.exit == null || c.exit.code !== 0) return true;
      if (c.verifiedAtMs !== null && c.verifiedAtMs <= c.exit.atMs && c.exit.printedHostname) return true;
      return violated(`exited 0 at t=${c.exit.atMs} ms and printed https://${c.hostname}, but the proxy had not been seen responding (${c.exit.reason})`, { exitAtMs: c.exit.atMs, reason: c.exit.reason });
    }),
    always('not-ready-exits-75', `Past the ${DETACH_WINDOW_MS} ms window without readiness the parent must exit ${EXIT_NOT_READY}, not wait or claim success.`, () => {
      const c = cli.snapshot()?.context;
      if (c?.exit == null || c.exit.code !== 0 || c.verifiedAtMs !== null) return true;
      return violated(`exited 0 without readiness; expected ${EXIT_NOT_READY}`, { code: c.exit.code });
    }),
    eventually('daemon-comes-up', 'Whatever the parent said, the detached daemon must bring the tunnel up once the control plane is back.', 90_000, () => {
      const c = cli.snapshot()?.context;
      if (c === undefined) return violated('the CLI is down');
      if (c.verifiedAtMs !== null || (c.bail !== null && c.bail.consecutiveErrors >= MAX_CONSECUTIVE_POLL_ERRORS)) return true;
      return violated(`not verified yet${c.bail === null ? '' : `; the daemon gave up: ${c.bail.reason}`}`);
    }),
  ],
});
