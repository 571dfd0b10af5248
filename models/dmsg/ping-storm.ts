/**
 * Session liveness pings under load (3141). A dmsg server's work costs it
 * CPU time, multiplied while its host is loaded (Docker's bridged network,
 * noisy neighbours): accepting a session (handshake, setup) and echoing a
 * ping. Clients ping every PING_PERIOD_MS; one whose echo misses the
 * deadline declares the session dead, kills it and redials, and every redial
 * is an accept the server must work through.
 *
 * The server does one piece of work at a time and answers echoes before
 * accepts: yamux, under every dmsg session, replies to a ping from the
 * session's own goroutine ("respond back in a separate context", hashicorp/
 * yamux session.go handlePing), never from behind the accept loop, so an
 * echo waits for the piece of work in hand and the echoes ahead of it, not
 * for every queued handshake. A dial is TCP's: a SYN lost to a host that is
 * down is sent again (see SYN_RTO_INITIAL_MS), so a redial lands about when
 * the host is back instead of waiting out the handshake's deadline.
 *
 * Bug flag `pingDeadlineMs`: 5 s in the incident (a live session's echo
 * exceeds it under load, the redials crowd the server, echoes slow further:
 * a reconnect storm for as long as the load lasts) or 18 s (3141: above
 * worst-case loaded round trips, still catching a dead session within about
 * two ping cycles).
 */
import { assign, enqueueActions, setup } from 'xstate';
import type { Delivered, IncomingRequest, NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';

/** The ping period. Assumed: 10 s. */
export const PING_PERIOD_MS = 10_000;
/** The two deadlines of the incident. */
export const PING_DEADLINE_BUG_MS = 5_000;
export const PING_DEADLINE_FIX_MS = 18_000;
/** Server time for one accept and one echo, unloaded. Assumed: 100 ms (a Noise handshake and session setup on a small VM) and 20 ms. */
export const ACCEPT_COST_MS = 100;
export const ECHO_COST_MS = 20;
/** A handshake's deadline once the TCP connection is up, and the pause before a failed dial is tried again. Assumed: 30 s and 1 s. */
export const DIAL_TIMEOUT_MS = 30_000;
export const REDIAL_PAUSE_MS = 1_000;
/**
 * TCP's SYN retransmission: the first SYN is sent again after 1 s, each
 * retry waiting twice as long, six retries in all before connect() fails
 * (RFC 6298 §2.1 and Linux's TCP_TIMEOUT_INIT; net.ipv4.tcp_syn_retries = 6).
 * dmsg dials with a plain net.Dial, so these are its connect timings.
 */
export const SYN_RTO_INITIAL_MS = 1_000;
export const SYN_RETRIES = 6;

export type PingFlags = { readonly pingDeadlineMs: number };

/**
 * The load on the relay's host, which a fault sets: it belongs to the
 * machine, not to the process, so it outlives a relay restart. Whoever
 * changes it sends the relay a `load-changed` event.
 */
export interface HostLoad {
  readonly factor: number;
}

/**
 * A handshake, or an echo on a session. A session is named by the request
 * id of the dial that opened it (the field is `session`, not `connection`:
 * the kernel reads a request's `connection` as one of its own connections).
 */
type Work = IncomingRequest<{ readonly type: 'dial' }> | IncomingRequest<{ readonly type: 'ping'; readonly session: string }>;

/** A piece of work in progress, the session it belongs to, and what is left of it in unloaded milliseconds of CPU. */
interface Job {
  readonly request: Work;
  readonly session: string;
  readonly remainingMs: number;
}

/**
 * The server's bookkeeping. Its one action changes it in place rather than
 * through `assign`, which copied it, and the snapshot with it, at each of
 * the server's events (half of a run's); nothing outside reads it.
 */
interface ServerContext {
  readonly io: NodeIO;
  readonly host: HostLoad;
  /** The sessions established. */
  sessions: readonly string[];
  jobs: readonly Job[];
  /** When `jobs` was last brought up to date (on the relay's clock, which no fault here skews), and the host's load since then. */
  progressAtMs: number;
  factor: number;
}

/** Work left once the CPU has been shared among the jobs until `nowMs`. */
function progressed(context: ServerContext, nowMs: number): readonly Job[] {
  const n = context.jobs.length;
  if (n === 0) return context.jobs;
  const doneMs = (nowMs - context.progressAtMs) / (context.factor * n);
  return context.jobs.map((j) => ({ ...j, remainingMs: j.remainingMs - doneMs }));
}

/** Below this a job is finished (floating-point slack; a job's smallest cost is ECHO_COST_MS). */
const FINISHED_MS = 1e-6;

/**
 * The server. Its CPU is shared equally by every piece of work in progress
 * (processor sharing: dmsg runs each handshake and each session on its own
 * goroutine), so an echo is slowed by every handshake in progress but never
 * waits for one to finish.
 */
export const queuedServer = setup({
  types: {
    input: {} as { io: NodeIO; host: HostLoad },
    context: {} as ServerContext,
    events: {} as
      | Work
      | IncomingRequest<{ readonly type: 'syn' }>
      | Delivered<{ readonly type: 'hangup'; readonly session: string }>
      | { readonly type: 'served' }
      | { readonly type: 'load-changed' },
  },
  actions: {
    /**
     * Brings the jobs up to now, applies the event (new work, a hang-up),
     * answers the finished jobs and sets the timer for the next to finish.
     */
    reschedule: enqueueActions(({ context, event, enqueue }) => {
      const nowMs = context.io.nowMs();
      let jobs = progressed(context, nowMs);
      let sessions = context.sessions;
      switch (event.type) {
        case 'dial':
          jobs = [...jobs, { request: event, session: event.requestId, remainingMs: ACCEPT_COST_MS }];
          break;
        case 'ping':
          // A ping on a session the server does not hold (it restarted) is no work for it.
          if (sessions.includes(event.session)) jobs = [...jobs, { request: event, session: event.session, remainingMs: ECHO_COST_MS }];
          break;
        case 'hangup': {
          // The client closed the connection: its handshake or session, and any echo on it, end.
          const { session } = event;
          jobs = jobs.filter((j) => j.session !== session);
          sessions = sessions.filter((s) => s !== session);
          break;
        }
      }
      const finished = jobs.filter((j) => j.remainingMs <= FINISHED_MS);
      jobs = jobs.filter((j) => j.remainingMs > FINISHED_MS);
      for (const { request: done } of finished) {
        if (done.type === 'dial') sessions = [...sessions, done.requestId];
        enqueue(() => context.io.reply(done, { status: 200 }));
      }
      const factor = context.host.factor;
      context.jobs = jobs;
      context.sessions = sessions;
      context.progressAtMs = nowMs;
      context.factor = factor;
      enqueue.cancel('next-finished');
      if (jobs.length > 0) {
        const leastMs = Math.min(...jobs.map((j) => j.remainingMs));
        enqueue.raise({ type: 'served' }, { delay: Math.ceil(leastMs * factor * jobs.length), id: 'next-finished' });
      }
    }),
  },
}).createMachine({
  id: 'queued-server',
  context: ({ input }) => ({ io: input.io, host: input.host, sessions: [], jobs: [], progressAtMs: input.io.nowMs(), factor: input.host.factor }),
  on: {
    // The kernel answers a SYN; the handshake behind it needs the server's CPU.
    syn: { actions: ({ context, event }) => context.io.reply(event as IncomingRequest, { status: 200 }) },
    dial: { actions: 'reschedule' },
    ping: { actions: 'reschedule' },
    hangup: { actions: 'reschedule' },
    served: { actions: 'reschedule' },
    'load-changed': { actions: 'reschedule' },
  },
});

interface ClientContext extends PingFlags {
  readonly io: NodeIO;
  readonly server: string;
  readonly phaseMs: number;
  /** Sessions killed because an echo missed the deadline. */
  readonly reconnects: number;
  readonly lastReconnectAtMs: number | null;
  /** The wait for the SYN in flight; doubles with every retransmission. */
  readonly synRtoMs: number;
  /** The session being opened or in use: the request id of its handshake. */
  readonly session: string | null;
}

/** A client's session: dial (SYN, then handshake), ping every period, redial when an echo misses the deadline. */
export const pingingClient = setup({
  types: {
    input: {} as PingFlags & { io: NodeIO; server: string; phaseMs: number },
    context: {} as ClientContext,
    events: {} as ResponseEvent<'syn' | 'dial' | 'ping'> | TimeoutEvent<'syn' | 'dial' | 'ping'>,
  },
  delays: { PHASE: ({ context }) => context.phaseMs, PERIOD: PING_PERIOD_MS, PAUSE: REDIAL_PAUSE_MS },
  guards: {
    synRetriesLeft: ({ context }) => context.synRtoMs < SYN_RTO_INITIAL_MS * 2 ** SYN_RETRIES,
  },
  actions: {
    sendSyn: ({ context }) => void context.io.request(context.server, { type: 'syn' }, { timeoutMs: context.synRtoMs }),
    resetSynRto: assign({ synRtoMs: SYN_RTO_INITIAL_MS }),
    backOffSyn: assign({ synRtoMs: ({ context }) => context.synRtoMs * 2 }),
    handshake: assign({ session: ({ context }) => context.io.request(context.server, { type: 'dial' }, { timeoutMs: DIAL_TIMEOUT_MS }) }),
    // Closing the connection: the server stops working on it.
    hangUp: ({ context }) => context.io.send(context.server, { type: 'hangup', session: context.session }),
    ping: ({ context }) => void context.io.request(context.server, { type: 'ping', session: context.session }, { timeoutMs: context.pingDeadlineMs }),
    reconnect: assign(({ context }) => {
      context.io.note(`reconnect: ping missed the ${context.pingDeadlineMs} ms deadline; killing the session and redialing`);
      return { reconnects: context.reconnects + 1, lastReconnectAtMs: context.io.nowMs() };
    }),
  },
}).createMachine({
  id: 'pinging-client',
  context: ({ input }) => ({ ...input, reconnects: 0, lastReconnectAtMs: null, synRtoMs: SYN_RTO_INITIAL_MS, session: null }),
  initial: 'starting',
  states: {
    starting: { after: { PHASE: 'dialing' } },
    dialing: {
      entry: 'resetSynRto',
      initial: 'connecting',
      states: {
        connecting: {
          entry: 'sendSyn',
          on: {
            'syn.response': 'handshaking',
            'syn.timeout': [{ guard: 'synRetriesLeft', target: 'connecting', reenter: true, actions: 'backOffSyn' }, { target: '#pinging-client.paused' }],
          },
        },
        handshaking: { entry: 'handshake', on: { 'dial.response': '#pinging-client.connected', 'dial.timeout': { target: '#pinging-client.paused', actions: 'hangUp' } } },
      },
    },
    paused: { after: { PAUSE: 'dialing' } },
    connected: {
      initial: 'idle',
      states: {
        idle: { after: { PERIOD: 'pinging' } },
        pinging: { entry: 'ping', on: { 'ping.response': 'idle', 'ping.timeout': { target: '#pinging-client.dialing', actions: ['reconnect', 'hangUp'] } } },
      },
    },
  },
});
