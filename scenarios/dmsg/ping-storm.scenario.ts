/**
 * dmsg/ping-storm: a 5 s ping deadline turns load into a reconnect storm.
 *
 * Source: shared/incidents/003_5b6edf88c5ea4344.txt (3141). "The liveness
 * ping's 5s deadline is too low under load or Docker's bridged-network
 * latency: a live session's echo exceeds 5s, the client declares it dead,
 * kills and re-dials, and manufactures more reconnects that flood the server
 * accept queues." The fix: an 18 s deadline, above worst-case loaded round
 * trips, still catching dead sessions within about two ping cycles.
 *
 * Twenty clients hold sessions to one server; the explorer loads the server
 * (every piece of its work takes LOAD_FACTOR times longer while it lasts)
 * and crashes it. Invariants: with the server alive, reconnects stay under
 * STORM_BOUND a minute; once the load is gone the fleet is back to steady
 * state within a minute (no metastable storm); a crashed server is noticed
 * by every client within a ping period plus the 18 s deadline.
 *
 * The report plots reconnects per simulated minute for both deadlines under
 * the same plan (see `series`).
 */
import { PING_DEADLINE_BUG_MS, PING_DEADLINE_FIX_MS, PING_PERIOD_MS, pingingClient, queuedServer, type PingFlags } from '../../models/dmsg/ping-storm.ts';
import { always, defineScenario, eventually, sometimes, violated, windowFault } from 'chaos-testbed';

const CLIENTS = 20;
/** Work takes this many times longer under load. Assumed: 20 (a loaded VM behind Docker's bridge). */
const LOAD_FACTOR = 20;
/** More reconnects than this in a minute, with every peer alive, is a storm. */
const STORM_BOUND = 5;
const MINUTE_MS = 60_000;
/** A dead server is noticed within a ping period and the fixed deadline, plus a second of slack: 29 s. */
const DETECT_BOUND_MS = PING_PERIOD_MS + PING_DEADLINE_FIX_MS + 1_000;

export default defineScenario({
  id: 'dmsg/ping-storm',
  title: 'A 5 s session ping deadline turns load into a self-sustaining reconnect storm',
  description:
    'Under load a live session’s echo takes longer than 5 s; clients kill and redial it, every redial is an accept the loaded server must work through, and echoes slow further.',
  source: { incident: '003_5b6edf88c5ea4344.txt', figures: ['3141: ping deadline 5 s → 18 s', 'reconnects flooding the server accept queues'] },
  variants: { buggy: { pingDeadlineMs: PING_DEADLINE_BUG_MS }, fixed: { pingDeadlineMs: PING_DEADLINE_FIX_MS } } satisfies Record<string, PingFlags>,
  durationMs: 300_000,
  faultSpace: {
    windowMs: [20_000, 120_000],
    maxFaults: 2,
    kinds: { crash: { nodes: ['relay'], downMs: [5_000, 30_000] } },
    custom: { 'load-spike': { fields: { durationMs: [10_000, 60_000] } } },
  },
  build(sim, flags) {
    const server = sim.node('relay', queuedServer, (io) => ({ io }));
    const clients = Array.from({ length: CLIENTS }, (_, i) => sim.node(`client-${i + 1}`, pingingClient, (io) => ({ io, server: 'relay', phaseMs: 50 * i, pingDeadlineMs: flags.pingDeadlineMs })));
    return { server, clients };
  },
  customFaults: {
    'load-spike': windowFault(`The server's host is loaded: every accept and echo takes ${LOAD_FACTOR} times longer for durationMs.`, 'relay', { type: 'load', factor: LOAD_FACTOR }, { type: 'load', factor: 1 }),
  },
  series: {
    name: 'reconnects per simulated minute',
    bucketMs: MINUTE_MS,
    counts: (record) => record.kind === 'note' && record.detail.startsWith('reconnect:'),
  },
  invariants: ({ server, clients }) => {
    const reconnectTimes: number[] = [];
    let seen = 0;
    let serverUpSinceMs = 0;
    let serverDownSinceMs: number | null = null;
    const track = (nowMs: number) => {
      const total = clients.reduce((n, c) => n + (c.snapshot()?.context.reconnects ?? 0), 0);
      for (; seen < total; seen++) reconnectTimes.push(nowMs);
      if (server.status() === 'up') {
        if (serverDownSinceMs !== null) serverUpSinceMs = nowMs;
        serverDownSinceMs = null;
      } else serverDownSinceMs ??= nowMs;
    };
    // Reconnects in the last minute that no real failure explains: not within the detection bound of a server restart.
    const lastMinute = (nowMs: number) => reconnectTimes.filter((t) => t > nowMs - MINUTE_MS && t > serverUpSinceMs + DETECT_BOUND_MS).length;
    return [
      sometimes('loaded-echo-survived', 'Sessions riding out a load spike is the path the short deadline breaks.', () => clients.every((c) => c.snapshot()?.matches('connected') === true) && server.snapshot()?.context.loadFactor === LOAD_FACTOR),
      always('no-reconnect-storm', 'Reconnects with every peer alive are pure load; past a few a minute they feed themselves.', (world) => {
        track(world.nowMs);
        if (server.status() !== 'up') return true;
        const n = lastMinute(world.nowMs);
        return n <= STORM_BOUND || violated(`${n} reconnects in the last minute with the server alive (bound ${STORM_BOUND})`, { reconnectsLastMinute: n });
      }),
      // Checked after no-reconnect-storm in the same step, which has tracked the server already.
      always('dead-session-detected', 'A dead session must still be noticed, or clients talk into a void.', (world) => {
        if (serverDownSinceMs === null || world.nowMs - serverDownSinceMs <= DETECT_BOUND_MS) return true;
        const unaware = clients.filter((c) => c.snapshot()?.matches('connected') === true);
        return unaware.length === 0 || violated(`the server has been down for ${world.nowMs - serverDownSinceMs} ms and ${unaware.length} clients still hold their session`, { unaware: unaware.length });
      }),
      eventually('back-to-steady-state', 'Once the load is gone the storm must die down by itself: no metastable loop.', MINUTE_MS, (world) => {
        // Also looked at on its own at its deadline, outside a step.
        track(world.nowMs);
        const n = reconnectTimes.filter((t) => t > world.nowMs - 30_000).length;
        const connected = clients.filter((c) => c.snapshot()?.matches('connected') === true).length;
        return (n === 0 && connected === CLIENTS) || violated(`${n} reconnects in the last 30 s; ${connected} of ${CLIENTS} clients connected`, { reconnectsLast30s: n, connected });
      }),
    ];
  },
});
