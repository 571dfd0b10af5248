/**
 * tunnel/api-503-blip: a single 503 from the API's Envoy kills a setup.
 *
 * Source: shared/incidents/002_7922b7283284f21b.txt. "A single 503 from the
 * Datum API server's Envoy front-end ... was killing in-progress tunnel
 * setups that the next 750ms poll tick would have ridden over", while setup
 * was on the slow-but-working path. The fix: ride out up to 10 consecutive
 * transient errors (~7.5 s) and then bail; a hard error bails at once.
 *
 * The explorer draws Envoy blips (windows of 503s and resets, and one-shot
 * 503s for the next few requests), control-plane crashes (some for good),
 * slow reconciles and revoked access.
 */
import { MAX_CONSECUTIVE_POLL_ERRORS, UNREACHABLE_BAIL_BOUND_MS } from '../../models/tunnel/timing.ts';
import { always, defineScenario, eventually, sometimes, violated } from 'chaos-testbed';
import { buildTunnelSystem, CONTROL_PLANE_FAULTS, TUNNEL_BUGGY, TUNNEL_FIXED } from './common.ts';

/** "At once": the 403 travels back through Envoy (two links of at most 10 ms); 100 ms is ample. */
const HARD_ERROR_BAIL_MS = 100;

export default defineScenario({
  id: 'tunnel/api-503-blip',
  title: 'A single 503 from the API front end kills a tunnel setup',
  description:
    'The CLI polls setup progress every 750 ms through Envoy. On the slow-but-working path, one transient 503 ' +
    '("upstream connect error or disconnect/reset before headers") aborts the whole setup, though the next poll would have succeeded.',
  source: { incident: '002_7922b7283284f21b.txt', figures: ['750 ms poll cadence', 'bail after 10 consecutive transient errors (~7.5 s)', 'hard errors bail at once'] },
  variants: { buggy: TUNNEL_BUGGY, fixed: TUNNEL_FIXED },
  durationMs: 180_000,
  faultSpace: {
    windowMs: [0, 20_000],
    maxFaults: 3,
    kinds: {
      'http-error': { nodes: ['envoy'], statuses: [503, 502], durationMs: [200, 20_000] },
      // "The next poll gets a 503": the next `count` requests (of a type, or any) through Envoy.
      'request-fault': { nodes: ['envoy'], types: [null, 'get-progress', 'create'], modes: ['error'], statuses: [503, 502], count: [1, 12] },
      crash: { nodes: ['api'], downMs: [1_000, 30_000], permanent: true },
    },
    custom: { 'slow-reconcile': { fields: { durationMs: [5_000, 60_000] } }, 'revoke-access': { fields: {} } },
  },
  build: (sim, flags) => buildTunnelSystem(sim, flags, { mode: 'foreground' }),
  customFaults: CONTROL_PLANE_FAULTS,
  invariants: ({ api, cli }) => {
    let mostErrors = 0;
    let unreachableSinceMs: number | null = null;
    const inSetup = () => {
      const c = cli.snapshot()?.context;
      return c !== undefined && c.bail === null && c.verifiedAtMs === null;
    };
    return [
      sometimes('rode-out-errors', 'Setup succeeding after transient errors is the path the bug kills; a search that never gets there is blind.', () => {
        const c = cli.snapshot()?.context;
        mostErrors = Math.max(mostErrors, c?.consecutiveErrors ?? 0);
        return mostErrors > 0 && c?.verifiedAtMs !== null && c?.verifiedAtMs !== undefined;
      }),
      always('blip-does-not-abort', 'A setup that the next poll would have carried through must not die of a blip shorter than the retry budget.', () => {
        const bail = cli.snapshot()?.context.bail;
        if (bail == null || bail.consecutiveErrors === 0 || bail.consecutiveErrors >= MAX_CONSECUTIVE_POLL_ERRORS) return true;
        return violated(`setup aborted after ${bail.consecutiveErrors} consecutive transient error(s), fewer than ${MAX_CONSECUTIVE_POLL_ERRORS}: ${bail.reason}`, {
          consecutiveErrors: bail.consecutiveErrors,
          reason: bail.reason,
        });
      }),
      always('unreachable-bails-fast', `With the control plane unreachable, the CLI must say so within ${UNREACHABLE_BAIL_BOUND_MS} ms, not hang.`, (world) => {
        if (api.status() !== 'down' || !inSetup()) {
          unreachableSinceMs = null;
          return true;
        }
        const sinceMs = (unreachableSinceMs ??= world.nowMs);
        if (world.nowMs - sinceMs <= UNREACHABLE_BAIL_BOUND_MS) return true;
        return violated(`the control plane has been unreachable for ${world.nowMs - sinceMs} ms and the CLI is still in setup`, { unreachableForMs: world.nowMs - sinceMs });
      }),
      always('hard-error-bails-at-once', 'A 4xx will not go away by retrying; the CLI must stop at once and say why.', (world) => {
        const refusedAtMs = api.snapshot()?.context.refusedSetupAtMs ?? null;
        if (refusedAtMs === null || !inSetup() || world.nowMs - refusedAtMs <= HARD_ERROR_BAIL_MS) return true;
        return violated(`the control plane answered a setup call 403 at t=${refusedAtMs} ms and the CLI is still in setup ${world.nowMs - refusedAtMs} ms later`, { refusedAtMs });
      }),
      eventually('setup-completes', 'Once the faults are over, setup must finish (or have stopped for a reason the user can act on).', 60_000, () => {
        const c = cli.snapshot()?.context;
        if (c === undefined) return violated('the CLI is down');
        if (c.verifiedAtMs !== null) return true;
        if (c.bail !== null && (c.bail.consecutiveErrors >= MAX_CONSECUTIVE_POLL_ERRORS || c.hardErrorAtMs !== null)) return true;
        return violated(`not verified; ${c.bail === null ? `still in setup (${c.consecutiveErrors} consecutive errors)` : `gave up: ${c.bail.reason}`}`);
      }),
    ];
  },
});
