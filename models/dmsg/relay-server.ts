/**
 * A dmsg relay server (dmsg-server): an inbound listener with a kernel
 * accept queue and an accept loop; an outbound transit client that keeps
 * MIN_SESSIONS sessions to other servers from its configured list; and the
 * registration of its entry with discovery, which needs a route to the
 * registrar: discovery's own session with this server, or a session to a
 * server that has one (the request is relayed).
 *
 * Bug flags, the layers of the cold-start trap:
 * - `acceptGatedOnTransit` (3140): the accept loop waits for the transit
 *   client's Ready() (a session to another server). In a cold fleet every
 *   server waits for another to accept first.
 * - `acceptGatedOnRegistration` (3143): the accept loop is parked behind the
 *   blocking registration call, which needs a route through a server that
 *   accepts.
 * Dials that arrive before the accept loop runs wait in the accept queue (at
 * most ACCEPT_BACKLOG) and are accepted when it starts, if their dialer has
 * not given up.
 */
import { raise, setup } from 'xstate';
import { answeredOk, isAnswer, withLibrary, type IncomingRequest, type NodeIO, type ResponseEvent, type TimeoutEvent } from 'chaos-testbed';
import { ACCEPT_BACKLOG, DIAL_RETRY_MS, DIAL_TIMEOUT_MS, ENTRY_REFRESH_MS, MIN_SESSIONS, READ_TIMEOUT_FIX_MS, SESSION_PING_DEADLINE_MS, SESSION_PING_MS } from './timing.ts';

export type ServerFlags = {
  readonly acceptGatedOnTransit: boolean;
  readonly acceptGatedOnRegistration: boolean;
};

/**
 * A server's bookkeeping. Its one action changes it in place rather than
 * through `assign`: copying it, and xstate's snapshot with it, at every
 * event (ticks, pings and their answers are most of a fleet run's events)
 * cost about a sixth of a dmsg/registration-timeout run's instructions
 * (callgrind, two runs). discovery.ts does the same. Readers see it as it
 * is after the step they read it in.
 */
interface ServerContext extends ServerFlags {
  readonly io: NodeIO;
  readonly disc: string;
  /** The other servers in this server's configuration. */
  readonly peers: readonly string[];
  readonly accepting: boolean;
  /** Outbound transit sessions. */
  readonly sessions: readonly string[];
  /** Who holds a session with this server (other servers, discovery). */
  readonly inbound: readonly string[];
  readonly backlog: readonly IncomingRequest[];
  readonly registered: boolean;
  /** No registration before this (a POST that failed at discovery waits for the entry's refresh). */
  readonly registerNotBeforeMs: number;
  /** This server's own dials and registration in flight, by request id (pings are not kept: only a failed one comes back). */
  readonly calls: ReadonlyMap<string, { readonly kind: 'dial'; readonly peer: string } | { readonly kind: 'register' }>;
  readonly nextPeer: number;
  /** The transit client's next tick is armed. */
  readonly tickArmed: boolean;
}

type Answer = ResponseEvent | TimeoutEvent;
type ServerEvent =
  | IncomingRequest<{ readonly type: 'dial' }>
  | IncomingRequest<{ readonly type: 'relay-register'; readonly server: string }>
  | Answer
  | { readonly type: 'tick' };

/** The context as the model's action changes it. */
type Draft = { -readonly [K in keyof ServerContext]: ServerContext[K] } & { readonly calls: Map<string, ServerContext['calls'] extends ReadonlyMap<string, infer C> ? C : never> };

/** A relayed registration's answer goes back to the server that asked, or 504 if discovery said nothing. */
const relayedReply = (answer: Answer) => ('status' in answer ? { status: answer.status, body: answer.body } : { status: 504, body: 'discovery did not answer' });


/** Whether the accept loop's gates let it run: the transit client's Ready() (3140), the registration call (3143). */
function gatesOpen(c: Pick<ServerContext, 'acceptGatedOnTransit' | 'acceptGatedOnRegistration' | 'sessions' | 'registered'>): boolean {
  return !(c.acceptGatedOnTransit && c.sessions.length === 0) && !(c.acceptGatedOnRegistration && !c.registered);
}

/** Starts the accept loop once its gates are open, accepting what waited in the queue. */
function maybeAccept(d: Draft): void {
  if (d.accepting || !gatesOpen(d)) return;
  d.accepting = true;
  d.io.note(`accept loop running (${d.backlog.length} queued dials)`);
  for (const dial of d.backlog) accept(d, dial);
  d.backlog = [];
}

function accept(d: Draft, dial: IncomingRequest): void {
  d.io.reply(dial, { status: 200 });
  if (!d.inbound.includes(dial.from)) d.inbound = [...d.inbound, dial.from];
}

/** This server's dials in flight. */
function dialsInFlight(c: ServerContext): number {
  let dials = 0;
  for (const call of c.calls.values()) if (call.kind === 'dial') dials++;
  return dials;
}

/** Whether this server's registration is in flight. */
function registering(c: ServerContext): boolean {
  for (const call of c.calls.values()) if (call.kind === 'register') return true;
  return false;
}

/** The transit client's dials for missing sessions, and a registration attempt. */
function tick(d: Draft): void {
  const registrationInFlight = registering(d);
  for (let missing = MIN_SESSIONS - d.sessions.length - dialsInFlight(d); missing > 0 && d.peers.length > 0; missing--) {
    const peer = d.peers[d.nextPeer % d.peers.length]!;
    d.nextPeer++;
    if (d.sessions.includes(peer)) continue;
    d.calls.set(d.io.request(peer, { type: 'dial' }, { timeoutMs: DIAL_TIMEOUT_MS }), { kind: 'dial', peer });
  }
  if (!d.registered && d.io.nowMs() >= d.registerNotBeforeMs && !registrationInFlight) register(d);
}

/** Registers this server's entry: straight to discovery if it holds a session with us, else relayed by a peer. */
function register(d: Draft): void {
  const via = d.inbound.includes(d.disc) ? d.disc : d.sessions[0];
  if (via === undefined) return;
  const message = via === d.disc ? { type: 'register', server: d.io.node } : { type: 'relay-register', server: d.io.node };
  // Generous: the discovery side's read timeout decides.
  d.calls.set(d.io.request(via, message, { timeoutMs: READ_TIMEOUT_FIX_MS + 5_000 }), { kind: 'register' });
}

function answered(d: Draft, event: Answer): void {
  // Answers to relayed registrations were passed on by io.forward and are in no map.
  const call = d.calls.get(event.requestId);
  if (call === undefined) return;
  d.calls.delete(event.requestId);
  if (call.kind === 'dial' && answeredOk(event) && !d.sessions.includes(call.peer)) d.sessions = [...d.sessions, call.peer];
  if (call.kind === 'register') {
    if (answeredOk(event)) d.registered = true;
    else if ('status' in event && event.status === 400) {
      // It reached discovery and was cut off: the entry-publish loop tries again at its next refresh.
      d.registerNotBeforeMs = d.io.nowMs() + ENTRY_REFRESH_MS;
      d.io.note(`registration failed: HTTP 400 ${JSON.stringify(event.body)}; next attempt at the entry refresh in ${ENTRY_REFRESH_MS} ms`);
    }
  }
}

/** The model's one action: the event's work, then the accept loop's gates. */
function handle(d: Draft, event: ServerEvent): void {
  if (event.type === 'dial') {
    if (d.accepting) accept(d, event as IncomingRequest);
    else if (d.backlog.length < ACCEPT_BACKLOG) d.backlog = [...d.backlog, event as IncomingRequest];
  } else if (event.type === 'relay-register') {
    const request = event as IncomingRequest<{ type: 'relay-register'; server: string }>;
    if (d.inbound.includes(d.disc)) d.io.forward(request, d.disc, { timeoutMs: READ_TIMEOUT_FIX_MS + 5_000, message: { type: 'register', server: request.server }, reply: relayedReply });
    else d.io.reply(request, { status: 503, body: 'no route to discovery' });
  } else if (event.type === 'tick') {
    tick(d);
  } else if (event.type === 'ping.timeout' || event.type === 'ping.response') {
    const peer = event.type === 'ping.timeout' ? (event as TimeoutEvent).to : (event as ResponseEvent).from;
    d.sessions = d.sessions.filter((s) => s !== peer);
  } else if (isAnswer(event)) {
    answered(d, event);
  }
  maybeAccept(d);
}

/** The transit client's loop has work: sessions to dial for, or a registration to make. */
function needsTick(c: ServerContext): boolean {
  return (c.peers.length > 0 && c.sessions.length + dialsInFlight(c) < MIN_SESSIONS) || (!c.registered && !registering(c));
}

export const relayServer = withLibrary(setup({
  types: {
    input: {} as ServerFlags & { io: NodeIO; disc: string; peers: readonly string[] },
    context: {} as ServerContext,
    events: {} as ServerEvent,
  },
  delays: { TICK: DIAL_RETRY_MS },
  guards: {
    acceptLoopRunning: ({ context }) => context.accepting,
    // The transit client's loop runs every DIAL_RETRY_MS while it has work (sessions to dial for, a
    // registration to make) and sleeps while it has none, woken by the event that leaves it work (a
    // failed ping, dial or registration): checked after every event's work. Ticking an idle fleet
    // every second made most of dmsg/registration-timeout's events and changed nothing.
    tickNeeded: ({ context }) => !context.tickArmed && needsTick(context),
  },
  actions: {
    handle: ({ context, event }) => handle(context as Draft, event),
    disarmTick: ({ context }) => {
      (context as Draft).tickArmed = false;
    },
    markTickArmed: ({ context }) => {
      (context as Draft).tickArmed = true;
    },
    armTick: raise({ type: 'tick' }, { delay: 'TICK', id: 'tick' }),
  },
}).createMachine({
  id: 'relay-server',
  // An accept loop whose gates are open at start runs from the start. It is set here, not by an entry
  // action: xstate picks the first state (through `parked`'s `always`) before a plain action's code
  // runs, and a flag it set in place would leave the server in `parked` until its next event.
  //
  // The input's fields are listed, not spread: on Node 20, each field added after a spread gives the
  // object a map of its own, about 1 µs a field (see sim/kernel/copy-fields.ts), 11 µs a start here.
  context: ({ input }) => ({
    io: input.io,
    disc: input.disc,
    peers: input.peers,
    acceptGatedOnTransit: input.acceptGatedOnTransit,
    acceptGatedOnRegistration: input.acceptGatedOnRegistration,
    accepting: gatesOpen({ acceptGatedOnTransit: input.acceptGatedOnTransit, acceptGatedOnRegistration: input.acceptGatedOnRegistration, sessions: [], registered: false }),
    sessions: [],
    inbound: [],
    backlog: [],
    registered: false,
    registerNotBeforeMs: 0,
    calls: new Map(),
    nextPeer: 0,
    tickArmed: false,
  }),
  on: {
    tick: { actions: ['disarmTick', 'handle'] },
    '*': { actions: 'handle' },
  },
  always: { guard: 'tickNeeded', actions: ['markTickArmed', 'armTick'] },
  // The accept loop: parked until its gates open (see maybeAccept), then accepting for the rest of the incarnation.
  initial: 'parked',
  states: {
    parked: { always: { guard: 'acceptLoopRunning', target: 'accepting' } },
    accepting: {},
  },
}), {
  // The session library, which the server's code never sees at work: it echoes a peer's keepalive ping on a
  // session this incarnation holds (one it does not hold is gone: no echo, and the peer's ping times out),
  // and pings the peers of its own sessions; only a missed ping reaches the server, which drops the session.
  answers: { ping: (request, c) => (c.accepting && c.inbound.includes(request.from) ? { status: 200 } : undefined) },
  keepalive: { message: { type: 'ping' }, everyMs: SESSION_PING_MS, timeoutMs: SESSION_PING_DEADLINE_MS, peers: (c) => c.sessions },
});
