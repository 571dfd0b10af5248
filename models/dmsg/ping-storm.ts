/**
 * Session liveness pings under load (3141). A dmsg server does its work on
 * one queue: accepting a session (handshake, setup) and echoing a ping each
 * cost server time, multiplied while the host is loaded (Docker's bridged
 * network, noisy neighbours). Clients ping every PING_PERIOD_MS; one whose
 * echo misses the deadline declares the session dead, kills it and redials,
 * and every redial is an accept the server must work through.
 *
 * Bug flag `pingDeadlineMs`: 5 s in the incident (a live session's echo
 * exceeds it under load, the redials flood the accept queue, echoes slow
 * further: a reconnect storm that outlives the load) or 18 s (3141: above
 * worst-case loaded round trips, still catching a dead session within about
 * two ping cycles).
 */
import { assign, enqueueActions, setup } from 'xstate';
import type { IncomingRequest, NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';

/** The ping period. Assumed: 10 s. */
export const PING_PERIOD_MS = 10_000;
/** The two deadlines of the incident. */
export const PING_DEADLINE_BUG_MS = 5_000;
export const PING_DEADLINE_FIX_MS = 18_000;
/** Server time for one accept and one echo, unloaded. Assumed: 100 ms (a Noise handshake and session setup on a small VM) and 20 ms. */
export const ACCEPT_COST_MS = 100;
export const ECHO_COST_MS = 20;
/** A redial's deadline, and the pause before a failed redial is tried again. Assumed: 30 s and 1 s. */
export const DIAL_TIMEOUT_MS = 30_000;
export const REDIAL_PAUSE_MS = 1_000;

export type PingFlags = { readonly pingDeadlineMs: number };

/** The server: one work queue, FIFO. */
export const queuedServer = setup({
  types: {
    input: {} as { io: NodeIO },
    context: {} as { io: NodeIO; busyUntilMs: number; loadFactor: number; sessions: readonly string[]; queued: Readonly<Record<string, IncomingRequest>> },
    events: {} as IncomingRequest<{ readonly type: 'dial' | 'ping' }> | { readonly type: 'served'; readonly id: string } | { readonly type: 'load'; readonly factor: number },
  },
  actions: {
    enqueue: enqueueActions(({ context, event, enqueue }) => {
      const request = event as IncomingRequest;
      const nowMs = context.io.nowMs();
      const costMs = (request.type === 'dial' ? ACCEPT_COST_MS : ECHO_COST_MS) * context.loadFactor;
      const doneMs = Math.max(nowMs, context.busyUntilMs) + costMs;
      enqueue.assign({ busyUntilMs: doneMs, queued: { ...context.queued, [request.requestId]: request } });
      enqueue.raise({ type: 'served', id: request.requestId }, { delay: doneMs - nowMs, id: `serve-${request.requestId}` });
    }),
  },
}).createMachine({
  id: 'queued-server',
  context: ({ input }) => ({ io: input.io, busyUntilMs: 0, loadFactor: 1, sessions: [], queued: {} }),
  on: {
    load: { actions: assign({ loadFactor: ({ event }) => (event as { factor: number }).factor }) },
    dial: { actions: 'enqueue' },
    ping: { actions: 'enqueue' },
    served: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const { [(event as { id: string }).id]: request, ...queued } = context.queued;
        if (request === undefined) return;
        const known = context.sessions.includes(request.from);
        enqueue.assign({ queued, sessions: request.type === 'dial' && !known ? [...context.sessions, request.from] : context.sessions });
        // An echo for a session the server does not hold is not sent.
        if (request.type === 'dial' || known) enqueue(() => context.io.reply(request, { status: 200 }));
      }),
    },
  },
});

/** A client's session: dial, ping every period, redial when an echo misses the deadline. */
export const pingingClient = setup({
  types: {
    input: {} as PingFlags & { io: NodeIO; server: string; phaseMs: number },
    context: {} as PingFlags & { io: NodeIO; server: string; phaseMs: number; reconnects: number; lastReconnectAtMs: number | null },
    events: {} as ResponseEvent<'dial' | 'ping'> | TimeoutEvent<'dial' | 'ping'>,
  },
  delays: { PHASE: ({ context }) => context.phaseMs, PERIOD: PING_PERIOD_MS, PAUSE: REDIAL_PAUSE_MS },
  actions: {
    dial: ({ context }) => void context.io.request(context.server, { type: 'dial' }, { timeoutMs: DIAL_TIMEOUT_MS }),
    ping: ({ context }) => void context.io.request(context.server, { type: 'ping' }, { timeoutMs: context.pingDeadlineMs }),
    reconnect: assign(({ context }) => {
      context.io.note(`reconnect: ping missed the ${context.pingDeadlineMs} ms deadline; killing the session and redialing`);
      return { reconnects: context.reconnects + 1, lastReconnectAtMs: context.io.nowMs() };
    }),
  },
}).createMachine({
  id: 'pinging-client',
  context: ({ input }) => ({ ...input, reconnects: 0, lastReconnectAtMs: null }),
  initial: 'starting',
  states: {
    starting: { after: { PHASE: 'dialing' } },
    dialing: { entry: 'dial', on: { 'dial.response': 'connected', 'dial.timeout': 'paused' } },
    paused: { after: { PAUSE: 'dialing' } },
    connected: {
      initial: 'idle',
      states: {
        idle: { after: { PERIOD: 'pinging' } },
        pinging: { entry: 'ping', on: { 'ping.response': 'idle', 'ping.timeout': { target: '#pinging-client.dialing', actions: 'reconnect' } } },
      },
    },
  },
});
