/**
 * A visor's dmsg client and its local uptime probe (3160). The client keeps
 * a session to each of its servers, pings each every PING_MS and drops one
 * whose echo misses the deadline, redialing missing ones. Ready() is a
 * one-shot latch: it fires at the first session and never reopens.
 *
 * Every PROBE_MS the uptime probe records whether dmsg is connected and
 * credits the period to dmsg uptime. Bug flag `probeOnLiveSessions`: the
 * incident's probe selected on the Ready() latch ("dmsg has been ready at
 * some point"); the fix looks at the live connected-server set.
 */
import { assign, setup } from 'xstate';
import { answeredOk, isAnswer, type NodeIO, type ResponseEvent, type TimeoutEvent } from 'chaos-testbed';

/** Session ping period and deadline, and the probe's period. Assumed: 5 s, 5 s, 10 s. */
export const PING_MS = 5_000;
export const PING_DEADLINE_MS = 5_000;
export const PROBE_MS = 10_000;

export type UptimeFlags = { readonly probeOnLiveSessions: boolean };

interface UptimeContext extends UptimeFlags {
  readonly io: NodeIO;
  readonly servers: readonly string[];
  readonly sessions: readonly string[];
  readonly calls: Readonly<Record<string, { readonly kind: 'dial' | 'ping'; readonly server: string }>>;
  readonly readyLatch: boolean;
  /** The probe's last report and the dmsg uptime it has credited. */
  readonly lastReport: { readonly atMs: number; readonly connected: boolean } | null;
  readonly reportedUpMs: number;
}

type UptimeEvent = ResponseEvent | TimeoutEvent | { readonly type: 'tick' } | { readonly type: 'probe' };

export const uptimeVisor = setup({
  types: {
    input: {} as UptimeFlags & { io: NodeIO; servers: readonly string[] },
    context: {} as UptimeContext,
    events: {} as UptimeEvent,
  },
  delays: { PING: PING_MS, PROBE: PROBE_MS },
  actions: {
    tick: assign(({ context }) => {
      const calls = { ...context.calls };
      const busy = new Set(Object.values(calls).map((c) => c.server));
      for (const server of context.servers) {
        if (busy.has(server)) continue;
        const kind = context.sessions.includes(server) ? 'ping' : 'dial';
        calls[context.io.request(server, { type: kind }, { timeoutMs: PING_DEADLINE_MS })] = { kind, server };
      }
      return { calls };
    }),
    answer: assign(({ context, event }) => {
      const e = event as ResponseEvent | TimeoutEvent;
      const { [e.requestId]: call, ...calls } = context.calls;
      if (call === undefined) return {};
      const ok = answeredOk(e);
      const others = context.sessions.filter((s) => s !== call.server);
      const sessions = ok ? [...others, call.server] : others;
      if (!ok && call.kind === 'ping') context.io.note(`session to ${call.server} lost (ping deadline)`);
      return { calls, sessions, readyLatch: context.readyLatch || sessions.length > 0 };
    }),
    probe: assign(({ context }) => {
      const connected = context.probeOnLiveSessions ? context.sessions.length > 0 : context.readyLatch;
      return { lastReport: { atMs: context.io.nowMs(), connected }, reportedUpMs: context.reportedUpMs + (connected ? PROBE_MS : 0) };
    }),
  },
}).createMachine({
  id: 'uptime-visor',
  context: ({ input }) => ({ ...input, sessions: [], calls: {}, readyLatch: false, lastReport: null, reportedUpMs: 0 }),
  entry: 'tick',
  on: { '*': { guard: ({ event }) => isAnswer(event), actions: 'answer' } },
  type: 'parallel',
  states: {
    sessions: { initial: 'waiting', states: { waiting: { after: { PING: { target: 'waiting', reenter: true, actions: 'tick' } } } } },
    probe: { initial: 'waiting', states: { waiting: { after: { PROBE: { target: 'waiting', reenter: true, actions: 'probe' } } } } },
  },
});
