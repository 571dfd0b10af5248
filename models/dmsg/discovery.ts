/**
 * dmsg discovery (dmsg-disc), the registrar, backed by a store (redis) that
 * survives its restarts and is empty at a cold start. Discovery is itself a
 * dmsg client: it holds sessions with servers (it dials them), and servers
 * register their entries over those sessions, directly or relayed.
 *
 * Bug flag `dialFrom` (3142): `store` resolves the dial set from the store's
 * entries, on a ticker every 10 minutes with no immediate first pass (at a
 * cold start the store is empty, so it dials nobody, ever); `config` dials
 * the configured servers at once and retries each with exponential backoff.
 *
 * Registration is HTTP over dmsg, and the server's read timeout bounds the
 * whole request read (`readTimeoutMs`, 3 s in the incident, 30 s after
 * 3147): while many registrations are read at once the streams are
 * congested, and a POST that takes longer is cut off. That is the node's
 * capacity (`discoveryCapacity`), not this machine's: reads queue on the
 * congested streams, and the kernel's front end answers a read cut off by
 * the timeout with 400 "unexpected EOF".
 */
import { enqueueActions, setup } from 'xstate';
import { answeredOk, withLibrary, type CapacitySpec, type IncomingRequest, type NodeIO, type ResponseEvent, type TimeoutEvent } from 'chaos-testbed';
import { DIAL_TIMEOUT_MS, DISC_RETRY_CAP_MS, DISC_RETRY_FIRST_MS, DISC_TICKER_MS, POST_READ_MS, SESSION_PING_DEADLINE_MS, SESSION_PING_MS } from './timing.ts';

export type DiscoveryFlags = {
  readonly dialFrom: 'store' | 'config';
  /** The read timeout, for `discoveryCapacity`. */
  readonly readTimeoutMs: number;
};

const STORE = 'entries';

/**
 * Discovery's bookkeeping. It is one mutable object rather than immutable
 * context: with a thousand servers, copying maps of a thousand entries at
 * every event made a run quadratic (see sim/bench/fleet.bench.ts).
 */
export interface DiscoveryState {
  readonly sessions: Set<string>;
  readonly dialing: Set<string>;
  readonly retryMs: Map<string, number>;
}

/**
 * Discovery's node capacity: registration POSTs are read one at a time off
 * the congested streams, POST_READ_MS each, and one not read within the read
 * timeout is cut off (Go's `http.Server.ReadTimeout`).
 */
export function discoveryCapacity(readTimeoutMs: number): CapacitySpec {
  return { concurrency: 1, serviceMs: { register: POST_READ_MS }, timeout: { afterMs: readTimeoutMs, status: 400, body: 'unexpected EOF' } };
}

interface DiscoveryContext {
  readonly dialFrom: DiscoveryFlags['dialFrom'];
  readonly io: NodeIO;
  readonly servers: readonly string[];
  readonly state: DiscoveryState;
}

type DiscoveryEvent =
  | IncomingRequest<{ readonly type: 'register'; readonly server: string }>
  | IncomingRequest<{ readonly type: 'lookup' }>
  | ResponseEvent
  | TimeoutEvent
  | { readonly type: 'redial'; readonly server: string }
  | { readonly type: 'ticker' };

/** The entries discovery holds (its store survives its restarts). */
export function storedEntries(io: Pick<NodeIO, 'durable'>): string[] {
  return io.durable.get<string[]>(STORE) ?? [];
}

type Draft = DiscoveryContext;
/** Where a delayed event to itself goes: the action's `enqueue`, whose raises run after the action's own work, in order. */
interface Enqueue {
  raise(event: DiscoveryEvent, options: { readonly delay: number; readonly id: string }): void;
}

function dial(d: Draft, server: string): void {
  if (d.state.sessions.has(server) || d.state.dialing.has(server)) return;
  d.state.dialing.add(server);
  d.io.request(server, { type: 'dial' }, { timeoutMs: DIAL_TIMEOUT_MS });
}

/** The fix: retry a configured server with exponential backoff. */
function retryLater(d: Draft, server: string, enqueue: Enqueue): void {
  if (d.dialFrom !== 'config') return;
  const waitMs = d.state.retryMs.get(server) ?? DISC_RETRY_FIRST_MS;
  d.state.retryMs.set(server, Math.min(DISC_RETRY_CAP_MS, waitMs * 2));
  enqueue.raise({ type: 'redial', server }, { delay: waitMs, id: `redial-${server}` });
}

function handle(d: Draft, event: DiscoveryEvent, enqueue: Enqueue): void {
  switch (event.type) {
    case 'redial':
      return dial(d, event.server);
    case 'ticker':
      for (const server of storedEntries(d.io)) dial(d, server);
      return enqueue.raise({ type: 'ticker' }, { delay: DISC_TICKER_MS, id: 'ticker' });
    case 'register': {
      // The POST has been read in full (the node's capacity queued it and cut off the slow ones).
      const entries = storedEntries(d.io);
      if (!entries.includes(event.server)) d.io.durable.set(STORE, [...entries, event.server]);
      return d.io.reply(event, { status: 200 });
    }
    case 'lookup':
      return d.io.reply(event as IncomingRequest, { status: 200, body: { entries: storedEntries(d.io) } });
    default: {
      // A dial's answer or a ping's failure: the answer itself says which, and to whom.
      const answer = event as ResponseEvent | TimeoutEvent;
      const server = 'status' in answer ? answer.from : answer.to;
      const dialed = answer.request.type === 'dial';
      if (dialed) d.state.dialing.delete(server);
      const ok = answeredOk(answer);
      if (ok && dialed) {
        d.state.sessions.add(server);
        d.state.retryMs.delete(server);
      } else if (!ok) {
        d.state.sessions.delete(server);
        retryLater(d, server, enqueue);
      }
    }
  }
}

export const discovery = withLibrary(setup({
  types: {
    input: {} as Pick<DiscoveryFlags, 'dialFrom'> & { io: NodeIO; servers: readonly string[] },
    context: {} as DiscoveryContext,
    events: {} as DiscoveryEvent,
  },
  actions: {
    handle: enqueueActions(({ context, event, enqueue }) => {
      const d = context;
      if ((event.type as string) === 'xstate.init') {
        // At start: the fix dials every configured server at once; the incident's registrar waits for its ticker.
        if (d.dialFrom === 'config') for (const server of d.servers) dial(d, server);
        else enqueue.raise({ type: 'ticker' }, { delay: DISC_TICKER_MS, id: 'ticker' });
      } else handle(d, event, enqueue);
    }),
  },
}).createMachine({
  id: 'discovery',
  context: ({ input }) => ({ ...input, state: { sessions: new Set(), dialing: new Set(), retryMs: new Map() } }),
  entry: 'handle',
  on: { '*': { actions: 'handle' } },
}), {
  // Discovery's session library: it echoes pings and pings the servers it holds sessions with; only a missed
  // ping reaches discovery, which drops the session and dials again.
  answers: { ping: () => ({ status: 200 }) },
  keepalive: { message: { type: 'ping' }, everyMs: SESSION_PING_MS, timeoutMs: SESSION_PING_DEADLINE_MS, peers: (c) => c.state.sessions },
});
