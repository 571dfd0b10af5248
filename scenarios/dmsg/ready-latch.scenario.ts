/**
 * dmsg/ready-latch: the uptime probe reports a latch, not a connection.
 *
 * Source: shared/incidents/003_5b6edf88c5ea4344.txt (3160). The local
 * uptime probe for dmsg selected on Ready(), a one-shot latch that never
 * reopens, so it said "dmsg has been ready at some point" rather than "dmsg
 * is connected now"; the 24 h panel could show more skynet uptime than dmsg.
 *
 * A visor holds sessions to two servers; the explorer crashes them and cuts
 * the links. Invariants: the probe says connected only while the live
 * connected-server set is not empty, up to a lag of LAG_MS (a probe period,
 * plus a ping period and its deadline to notice a dead session); and the
 * dmsg uptime it credits never exceeds the time dmsg really had a session,
 * plus that lag.
 */
import { liveSessions, PING_DEADLINE_MS, PING_MS, PROBE_MS, uptimeVisor, type UptimeFlags } from '../../models/dmsg/uptime-probe.ts';
import { responder } from '../../models/dmsg/responder.ts';
import { always, defineScenario, sometimes, violated } from 'chaos-testbed';

const SERVERS = ['srv-a', 'srv-b'];
/** 10 s + 5 s + 5 s = 20 s. */
const LAG_MS = PROBE_MS + PING_MS + PING_DEADLINE_MS;

export default defineScenario({
  id: 'dmsg/ready-latch',
  title: 'The dmsg uptime probe reports a one-shot Ready() latch',
  description: 'With every server gone the probe still reports dmsg connected, because Ready() fired once and never reopens.',
  source: { incident: '003_5b6edf88c5ea4344.txt', figures: ['3160: probe on a one-shot Ready() latch', 'skynet uptime shown above dmsg uptime'] },
  variants: { buggy: { probeOnLiveSessions: false }, fixed: { probeOnLiveSessions: true } } satisfies Record<string, UptimeFlags>,
  durationMs: 180_000,
  faultSpace: {
    windowMs: [0, 90_000],
    maxFaults: 4,
    kinds: {
      crash: { nodes: SERVERS, downMs: [5_000, 60_000] },
      partition: { links: SERVERS.map((s) => ['visor', s] as const), durationMs: [5_000, 60_000] },
    },
  },
  build(sim, flags) {
    for (const id of SERVERS) sim.node(id, responder, (io) => ({ io }));
    const visor = sim.node('visor', uptimeVisor, (io) => ({ io, servers: SERVERS, probeOnLiveSessions: flags.probeOnLiveSessions }));
    return { visor };
  },
  // The latch and the sessions behind it are context: the report's timeline draws both.
  timeline: [
    { node: 'visor', name: 'Ready() latch', value: ({ visor }) => visor.snapshot()?.context.readyLatch },
    { node: 'visor', name: 'live sessions', value: ({ visor }) => (visor.status() === 'up' ? liveSessions(visor).length : undefined) },
  ],
  invariants: ({ visor }) => {
    // Truth, from outside the visor: when it last held a session to a server that was up and reachable.
    let lastLiveMs = 0;
    let trueUpMs = 0;
    let lastStepMs = 0;
    return [
      sometimes('lost-every-session', 'Losing every session is the state the latch hides; a search that never gets there is blind.', () => liveSessions(visor).length === 0 && (visor.snapshot()?.context.readyLatch ?? false)),
      always('probe-reflects-sessions', 'An uptime panel that shows dmsg up while it has no server misleads every operator who reads it.', (world) => {
        const c = visor.snapshot()?.context;
        if (c === undefined) return true;
        if (liveSessions(visor).length > 0) {
          trueUpMs += world.nowMs - lastStepMs;
          lastLiveMs = world.nowMs;
        }
        lastStepMs = world.nowMs;
        const report = c.lastReport;
        if (report !== null && report.connected && report.atMs - lastLiveMs > LAG_MS) {
          return violated(`the probe reported dmsg connected at t=${report.atMs} ms, but the visor has had no session since t=${lastLiveMs} ms`, { reportAtMs: report.atMs, lastSessionAtMs: lastLiveMs });
        }
        if (c.reportedUpMs > trueUpMs + LAG_MS) {
          return violated(`dmsg uptime credited ${c.reportedUpMs} ms, but it had sessions for ${trueUpMs} ms`, { reportedUpMs: c.reportedUpMs, trueUpMs });
        }
        return true;
      }),
    ];
  },
});
