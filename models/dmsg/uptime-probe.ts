/**
 * A visor's dmsg client and its local uptime probe (3160). The client keeps
 * a session (a connection) to each of its servers, pings each every PING_MS
 * on it and closes one whose echo misses the deadline; a server that
 * crashes resets it. Missing sessions are redialed at the next ping tick.
 * Ready() is a one-shot latch: it fires at the first session and never
 * reopens.
 *
 * Every PROBE_MS the uptime probe records whether dmsg is connected and
 * credits the period to dmsg uptime. Bug flag `probeOnLiveSessions`: the
 * incident's probe selected on the Ready() latch ("dmsg has been ready at
 * some point"); the fix looks at the live connected-server set.
 */
import { assign, setup } from 'xstate';
import { answeredOk, type ConnectionClosed, type ConnectionOpened, type NodeIO, type ResponseEvent, type TimeoutEvent } from 'chaos-testbed';

/** Session ping period and deadline, and the probe's period. Assumed: 5 s, 5 s, 10 s. */
export const PING_MS = 5_000;
export const PING_DEADLINE_MS = 5_000;
export const PROBE_MS = 10_000;

export type UptimeFlags = { readonly probeOnLiveSessions: boolean };

interface UptimeContext extends UptimeFlags {
  readonly io: NodeIO;
  readonly servers: readonly string[];
  /** Servers this visor holds an open session with. */
  readonly sessions: readonly string[];
  /** Servers with a ping in flight. */
  readonly pinging: readonly string[];
  readonly readyLatch: boolean;
  /** The probe's last report and the dmsg uptime it has credited. */
  readonly lastReport: { readonly atMs: number; readonly connected: boolean } | null;
  readonly reportedUpMs: number;
}

type UptimeEvent = ResponseEvent<'ping'> | TimeoutEvent<'ping'> | ConnectionOpened | ConnectionClosed | { readonly type: 'tick' } | { readonly type: 'probe' };

export const uptimeVisor = setup({
  types: {
    input: {} as UptimeFlags & { io: NodeIO; servers: readonly string[] },
    context: {} as UptimeContext,
    events: {} as UptimeEvent,
  },
  delays: { PING: PING_MS, PROBE: PROBE_MS },
  actions: {
    tick: assign(({ context }) => {
      const pinging = [...context.pinging];
      const connections = context.io.connections();
      for (const server of context.servers) {
        const session = connections.find((c) => c.peer === server);
        if (session === undefined) context.io.connect(server, { timeoutMs: PING_DEADLINE_MS });
        else if (session.open && !pinging.includes(server)) {
          context.io.requestOn(session.id, { type: 'ping' }, { timeoutMs: PING_DEADLINE_MS });
          pinging.push(server);
        }
      }
      return { pinging };
    }),
    opened: assign(({ context, event }) => {
      const { peer } = event as ConnectionOpened;
      return { sessions: [...context.sessions.filter((s) => s !== peer), peer], readyLatch: true };
    }),
    closed: assign(({ context, event }) => {
      const { peer, reason } = event as ConnectionClosed;
      if (context.sessions.includes(peer)) context.io.note(`session to ${peer} lost (${reason})`);
      return { sessions: context.sessions.filter((s) => s !== peer) };
    }),
    echo: assign(({ context, event }) => {
      const e = event as ResponseEvent<'ping'> | TimeoutEvent<'ping'>;
      const server = 'status' in e ? e.from : e.to;
      // A ping that failed because its session closed is the close's news, not a missed deadline.
      if (!answeredOk(e) && !('reason' in e && e.reason === 'closed')) {
        context.io.note(`session to ${server} lost (ping deadline)`);
        for (const session of context.io.connections()) if (session.peer === server) context.io.close(session.id);
        return { pinging: context.pinging.filter((s) => s !== server), sessions: context.sessions.filter((s) => s !== server) };
      }
      return { pinging: context.pinging.filter((s) => s !== server) };
    }),
    probe: assign(({ context }) => {
      const connected = context.probeOnLiveSessions ? context.sessions.length > 0 : context.readyLatch;
      return { lastReport: { atMs: context.io.nowMs(), connected }, reportedUpMs: context.reportedUpMs + (connected ? PROBE_MS : 0) };
    }),
  },
}).createMachine({
  id: 'uptime-visor',
  context: ({ input }) => ({ ...input, sessions: [], pinging: [], readyLatch: false, lastReport: null, reportedUpMs: 0 }),
  entry: 'tick',
  on: { 'connection.opened': { actions: 'opened' }, 'connection.closed': { actions: 'closed' }, 'ping.response': { actions: 'echo' }, 'ping.timeout': { actions: 'echo' } },
  type: 'parallel',
  states: {
    sessions: { initial: 'waiting', states: { waiting: { after: { PING: { target: 'waiting', reenter: true, actions: 'tick' } } } } },
    probe: { initial: 'waiting', states: { waiting: { after: { PROBE: { target: 'waiting', reenter: true, actions: 'probe' } } } } },
  },
});
