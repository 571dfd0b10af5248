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
 * Twenty clients hold sessions to one server; the explorer loads the
 * server's host (every piece of work takes LOAD_FACTOR times longer while it
 * lasts) and crashes the server. Invariants: with the server alive,
 * reconnects stay under STORM_BOUND a minute; once the load is gone the
 * fleet is back to steady state within a minute (no metastable storm); a
 * crashed server is noticed by every client within a ping period plus the
 * 18 s deadline.
 *
 * Under one load spike the slowest live echo takes about 6.2 s: past the
 * incident's 5 s, well inside its 18 s. With 5 s every session is killed
 * within 25 s of the load starting, and the twenty redials, sharing the
 * loaded CPU, all miss their handshake deadline until the load ends.
 *
 * What issue 20 corrected. A deeper campaign (seed 2, run 334 of 1,500)
 * refuted `fixed` with a crash of the relay for 19 s and a load spike from
 * 0.5 s after it came back: six live sessions were killed by their 18 s
 * deadline 49-51 s after the restart. The model was wrong twice, the fix and
 * the invariant were not. (1) A dial to the relay while it was down was one
 * message, lost, and the client waited out its whole 30 s handshake
 * deadline; TCP sends a lost SYN again after 1 s, 2 s, 4 s..., so ten
 * redials that land together at the restart had been pushed into the middle
 * of the load. (2) The server did its work on one FIFO queue, so an echo
 * waited for every handshake queued before it (ten loaded handshakes are
 * 20 s); dmsg's yamux answers a ping on the session's own goroutine, and
 * handshakes run on goroutines of their own: they share the CPU, they do not
 * queue in front of echoes. Also corrected while there: the load belongs to
 * the host and now outlives a relay restart (it used to reset with the
 * process, so a load spike overlapping a crash was half inert). The finding's
 * plan and campaign are pinned in test/props/dmsg-runtime.props.test.ts.
 *
 * The report plots reconnects per simulated minute for both deadlines under
 * the same plan (see `series`).
 */
import { PING_DEADLINE_BUG_MS, PING_DEADLINE_FIX_MS, PING_PERIOD_MS, pingingClient, queuedServer, type PingFlags } from '../../models/dmsg/ping-storm.ts';
import { always, defineScenario, eventually, sometimes, violated } from 'chaos-testbed';

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
  title: 'A 5 s session ping deadline turns load into a reconnect storm',
  description:
    'Under load a live session’s echo takes longer than 5 s; clients kill and redial it, every redial is a handshake the loaded server must work through beside the echoes, and echoes slow further.',
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
    // The relay's host: loaded while any load spike lasts (two may overlap), whatever the relay process does.
    const host = { factor: 1, spikes: 0 };
    const server = sim.node('relay', queuedServer, (io) => ({ io, host }));
    const clients = Array.from({ length: CLIENTS }, (_, i) => sim.node(`client-${i + 1}`, pingingClient, (io) => ({ io, server: 'relay', phaseMs: 50 * i, pingDeadlineMs: flags.pingDeadlineMs })));
    return { server, clients, host };
  },
  customFaults: {
    'load-spike': {
      about: `The relay's host is loaded: every accept and echo takes ${LOAD_FACTOR} times longer for durationMs, across relay restarts.`,
      validate: (f) => (typeof f.durationMs === 'number' && f.durationMs >= 0 ? undefined : "needs 'durationMs' (how long the load lasts)"),
      apply: (_f, { host, server }) => {
        host.spikes += 1;
        host.factor = LOAD_FACTOR;
        server.send({ type: 'load-changed' });
        return true;
      },
      heal: (_f, { host, server }) => {
        host.spikes -= 1;
        host.factor = host.spikes > 0 ? LOAD_FACTOR : 1;
        server.send({ type: 'load-changed' });
      },
    },
  },
  series: {
    name: 'reconnects per simulated minute',
    bucketMs: MINUTE_MS,
    counts: (record) => record.kind === 'note' && record.detail.startsWith('reconnect:'),
  },
  invariants: ({ server, clients, host }) => {
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
      // The load first: it is off on most steps, and asking twenty clients their state is not.
      sometimes('loaded-echo-survived', 'Sessions riding out a load spike is the path the short deadline breaks.', () => host.factor === LOAD_FACTOR && clients.every((c) => c.snapshot()?.matches('connected') === true)),
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
