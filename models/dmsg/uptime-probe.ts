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
import { type ConnectionClosed, type ConnectionOpened, type NodeIO, type ResponseEvent, type TimeoutEvent } from 'chaos-testbed';

/** Session ping period and deadline, and the probe's period. Assumed: 5 s, 5 s, 10 s. */
export const PING_MS = 5_000;
export const PING_DEADLINE_MS = 5_000;
export const PROBE_MS = 10_000;

export type UptimeFlags = { readonly probeOnLiveSessions: boolean };

interface UptimeContext extends UptimeFlags {
  readonly io: NodeIO;
  readonly servers: readonly string[];
  readonly readyLatch: boolean;
  /** The probe's last report and the dmsg uptime it has credited. */
  readonly lastReport: { readonly atMs: number; readonly connected: boolean } | null;
  readonly reportedUpMs: number;
}

type UptimeEvent = ResponseEvent<'ping'> | TimeoutEvent<'ping'> | ConnectionOpened | ConnectionClosed | { readonly type: 'tick' } | { readonly type: 'probe' };

/** The servers a visor holds an open session with: its open connections. */
export function liveSessions(io: Pick<NodeIO, 'connections'>): string[] {
  return io.connections().filter((c) => c.open).map((c) => c.peer);
}

export const uptimeVisor = setup({
  types: {
    input: {} as UptimeFlags & { io: NodeIO; servers: readonly string[] },
    context: {} as UptimeContext,
    events: {} as UptimeEvent,
  },
  delays: { PING: PING_MS, PROBE: PROBE_MS },
  actions: {
    // Dial the servers it has no session with, ping the others (a ping's deadline is the period: one in flight at a time).
    tick: ({ context }) => {
      const connections = context.io.connections();
      for (const server of context.servers) {
        const session = connections.find((c) => c.peer === server);
        if (session === undefined) context.io.connect(server, { timeoutMs: PING_DEADLINE_MS });
        else if (session.open) context.io.requestOn(session.id, { type: 'ping' }, { timeoutMs: PING_DEADLINE_MS });
      }
    },
    latch: assign({ readyLatch: true }),
    lost: ({ context, event }) => context.io.note(`session to ${(event as ConnectionClosed).peer} lost (${(event as ConnectionClosed).reason})`),
    missed: ({ context, event }) => {
      const e = event as TimeoutEvent<'ping'>;
      context.io.note(`session to ${e.to} lost (ping deadline)`);
      context.io.close(e.connection!);
    },
    probe: assign(({ context }) => {
      const connected = context.probeOnLiveSessions ? liveSessions(context.io).length > 0 : context.readyLatch;
      return { lastReport: { atMs: context.io.nowMs(), connected }, reportedUpMs: context.reportedUpMs + (connected ? PROBE_MS : 0) };
    }),
  },
}).createMachine({
  id: 'uptime-visor',
  context: ({ input }) => ({ ...input, readyLatch: false, lastReport: null, reportedUpMs: 0 }),
  entry: 'tick',
  on: {
    'connection.opened': { actions: 'latch' },
    'connection.closed': { actions: 'lost' },
    // A ping that failed because its session closed is the close's news; a missed deadline closes it.
    'ping.timeout': { guard: ({ event }) => event.reason === 'deadline', actions: 'missed' },
  },
  type: 'parallel',
  states: {
    sessions: { initial: 'waiting', states: { waiting: { after: { PING: { target: 'waiting', reenter: true, actions: 'tick' } } } } },
    probe: { initial: 'waiting', states: { waiting: { after: { PROBE: { target: 'waiting', reenter: true, actions: 'probe' } } } } },
  },
});
