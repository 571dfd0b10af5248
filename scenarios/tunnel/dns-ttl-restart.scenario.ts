/**
 * tunnel/dns-ttl-restart: a restarted tunnel is unreachable until a stale
 * DNS answer expires.
 *
 * Source: shared/incidents/002_7922b7283284f21b.txt, measured on the CLI:
 * restart right after Ctrl-C, ~30 s to proxy responding (the default 30 s
 * TXT TTL: the gateway's resolver serves the stale record until it
 * expires); restart 35 s after Ctrl-C, ~1 s. The control-plane plumbing is
 * sub-second; the TTL is the whole delay.
 *
 * The user stops the tunnel (Ctrl-C) and starts it again, a new process with
 * a new listen node, at times the explorer chooses. Invariant (what `fixed`
 * must do): from restart to proxy responding within
 * RESTART_RESPONDING_BOUND_MS (5 s), whatever the restart time. The fix: the
 * gateway evicts the answer and resolves again when a dial fails.
 */
import { RESTART_RESPONDING_BOUND_MS } from '../../models/tunnel/timing.ts';
import { always, defineScenario, sometimes, violated } from 'chaos-testbed';
import { buildTunnelSystem, TUNNEL_BUGGY, TUNNEL_FIXED, type TunnelSystem } from './common.ts';

/** Three processes: the first run and two restarts. */
const PROCESSES = 3;

/** The scenario, with the restart bound as a parameter (calibration stretches it to watch the whole wait). */
export function dnsTtlRestartScenario(options: { readonly boundMs?: number } = {}) {
  const boundMs = options.boundMs ?? RESTART_RESPONDING_BOUND_MS;
  return defineScenario({
    id: 'tunnel/dns-ttl-restart',
    title: 'A restarted tunnel waits out a stale 30 s DNS answer',
    description:
      'A restart brings up a new listen node and the TXT record is republished within a second, but the gateway keeps ' +
      'serving the cached answer that names the old node, and every dial to it fails until the 30 s TTL runs out.',
    source: { incident: '002_7922b7283284f21b.txt', figures: ['restart right after Ctrl-C: ~30 s to proxy responding', 'restart 35 s after Ctrl-C: ~1 s', '30 s default TXT TTL'] },
    variants: { buggy: TUNNEL_BUGGY, fixed: TUNNEL_FIXED },
    durationMs: 240_000,
    faultSpace: {
      windowMs: [3_000, 90_000],
      maxFaults: 2,
      kinds: {},
      custom: { 'ctrl-c-restart': { fields: { durationMs: [0, 60_000] } } },
    },
    build: (sim, flags) => buildTunnelSystem(sim, flags, { mode: 'foreground', processes: PROCESSES }),
    customFaults: {
      'ctrl-c-restart': {
        about: 'The user stops the tunnel (Ctrl-C) and, durationMs later, starts it again: a new process with a new listen node.',
        validate: (f) => (typeof f.durationMs === 'number' && f.durationMs >= 0 ? undefined : "needs 'durationMs' (time between stop and start)"),
        apply: (_f, system) => {
          const running = system.processes.find((p) => p.status() === 'up');
          if (running === undefined || system.next >= system.processes.length) return false;
          running.crash();
          return true;
        },
        heal: (_f, system: TunnelSystem) => {
          if (system.processes.some((p) => p.status() === 'up')) return;
          system.processes[system.next++]?.start();
        },
      },
    },
    invariants: ({ processes }) => {
      const startedAtMs = new Map<string, number>();
      return [
        sometimes('responded-after-restart', 'A restarted tunnel that responds again is the path the stale answer delays.', () => processes.slice(1).some((p) => p.snapshot()?.context.verifiedAtMs != null)),
        always('restart-responds-quickly', `After a restart the tunnel must answer through the proxy within ${boundMs} ms, whenever the restart happens.`, (world) => {
          for (const process of processes.slice(1)) {
            const c = process.snapshot()?.context;
            if (c === undefined) continue;
            if (!startedAtMs.has(process.id)) startedAtMs.set(process.id, world.nowMs);
            const startMs = startedAtMs.get(process.id)!;
            const waitedMs = (c.verifiedAtMs ?? world.nowMs) - startMs;
            if (waitedMs > boundMs && c.exit === null) {
              return violated(`${process.id} started at t=${startMs} ms and the proxy has not responded for ${waitedMs} ms: the gateway still dials the old node`, { process: process.id, waitedMs });
            }
          }
          return true;
        }),
      ];
    },
  });
}

export default dnsTtlRestartScenario();
