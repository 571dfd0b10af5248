/**
 * The system every tunnel scenario runs: the authoritative DNS, the tunnel
 * control plane (`api`) behind Envoy, the iroh gateway, and the CLI process
 * (`tunnel`; each start after the first is a new process with a new listen
 * node, so a new address: `tunnel@2`, `tunnel@3`, ...).
 */
import { authoritativeDns } from '../../models/tunnel/dns.ts';
import { envoy } from '../../models/tunnel/envoy.ts';
import { gateway, type GatewayFlags } from '../../models/tunnel/gateway.ts';
import { tunnelApi, type ApiFlags } from '../../models/tunnel/tunnel-api.ts';
import { tunnelCli, type CliFlags } from '../../models/tunnel/tunnel-cli.ts';
import { operatorAction, type CustomFaultHandler, type NodeHandle, type ScenarioBuilder } from 'chaos-testbed';

export type TunnelFlags = CliFlags & GatewayFlags & ApiFlags;

/**
 * Every bug flag as in the incident, and every fix the incident names. The
 * control plane takes heartbeats by arrival in both, as the incident's did;
 * `tunnel/dns-ttl-restart` shows why its `fixed` also orders them by process.
 */
export const TUNNEL_BUGGY: TunnelFlags = { pollErrors: 'abort-first', readiness: 'window-exit-0', reResolveOnDialFailure: false, heartbeatOrder: 'arrival' };
export const TUNNEL_FIXED: TunnelFlags = { pollErrors: 'bounded', readiness: 'verify-or-75', reResolveOnDialFailure: true, heartbeatOrder: 'arrival' };

/** The tunnel's public hostname. */
export const HOSTNAME = 'talk-known-phk4r.datumproxy.net';

export interface TunnelSystem {
  readonly api: NodeHandle<typeof tunnelApi>;
  readonly gateway: NodeHandle<typeof gateway>;
  /** The CLI: one node, a new process (and address) at each start. */
  readonly cli: NodeHandle<typeof tunnelCli>;
}

export function buildTunnelSystem(sim: ScenarioBuilder, flags: TunnelFlags, options: { mode: 'foreground' | 'detach' }): TunnelSystem {
  // Servers first: nodes start in declaration order, and the CLI talks at once.
  sim.node('dns', authoritativeDns, (io) => ({ io }));
  const api = sim.node('api', tunnelApi, (io) => ({ io, dns: 'dns', hostname: HOSTNAME, heartbeatOrder: flags.heartbeatOrder }));
  sim.node('envoy', envoy, (io) => ({ io, upstream: 'api' }));
  const gw = sim.node('gateway', gateway, (io) => ({ io, dns: 'dns', reResolveOnDialFailure: flags.reResolveOnDialFailure }));
  const cli = sim.node('tunnel', tunnelCli, (io) => ({ io, api: 'envoy', gateway: 'gateway', hostname: HOSTNAME, mode: options.mode, pollErrors: flags.pollErrors, readiness: flags.readiness }), {
    // The user starts it again by hand (a fault), never a supervisor.
    restart: { policy: 'never', delayMs: 0, newAddress: true },
  });
  return { api, gateway: gw, cli };
}

/** Faults of the control plane: a slow reconcile, and access revoked. */
export const CONTROL_PLANE_FAULTS: Record<'slow-reconcile' | 'revoke-access', CustomFaultHandler<TunnelSystem>> = {
  'slow-reconcile': {
    about: 'The slow-but-working path: the EnvoyPatchPolicy reconcile holds setup for durationMs from now.',
    validate: (f) => (typeof f.durationMs === 'number' && f.durationMs >= 0 ? undefined : "needs 'durationMs' (extra setup time)"),
    apply: (f, { api }) => {
      if (api.status() !== 'up') return false;
      api.send({ type: 'slow-reconcile', extraMs: f.durationMs as number });
      return true;
    },
  },
  'revoke-access': operatorAction('The service account loses access to the tunnel: every call from now on is 403, a hard error.', 'api', { type: 'revoke-access' }),
};
