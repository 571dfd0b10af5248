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
 * congested, and a POST that takes longer is cut off.
 */
import { enqueueActions, setup } from 'xstate';
import { answeredOk, type IncomingRequest, type NodeIO, type ResponseEvent, type TimeoutEvent } from 'chaos-testbed';
import {
  DIAL_TIMEOUT_MS,
  DISC_RETRY_CAP_MS,
  DISC_RETRY_FIRST_MS,
  DISC_TICKER_MS,
  POST_READ_BASE_MS,
  POST_READ_PER_CONCURRENT_MS,
  SESSION_PING_DEADLINE_MS,
  SESSION_PING_MS,
} from './timing.ts';

export type DiscoveryFlags = {
  readonly dialFrom: 'store' | 'config';
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
  readonly calls: Map<string, { readonly kind: 'dial' | 'ping'; readonly server: string }>;
  readonly dialing: Set<string>;
  readonly retryMs: Map<string, number>;
  /** Registration POSTs being read, by read id. */
  readonly reading: Map<string, IncomingRequest<{ type: 'register'; server: string }>>;
}

interface DiscoveryContext extends DiscoveryFlags {
  readonly io: NodeIO;
  readonly servers: readonly string[];
  readonly state: DiscoveryState;
}

type DiscoveryEvent =
  | IncomingRequest<{ readonly type: 'register'; readonly server: string }>
  | IncomingRequest<{ readonly type: 'lookup' }>
  | IncomingRequest<{ readonly type: 'ping' }>
  | ResponseEvent
  | TimeoutEvent
  | { readonly type: 'redial'; readonly server: string }
  | { readonly type: 'ticker' }
  | { readonly type: 'ping-tick' }
  | { readonly type: 'read-done'; readonly readId: string; readonly complete: boolean };

/** The entries discovery holds (its store survives its restarts). */
export function storedEntries(io: Pick<NodeIO, 'durable'>): string[] {
  return io.durable.get<string[]>(STORE) ?? [];
}

type Draft = DiscoveryContext;
type Raise = (event: DiscoveryEvent, delayMs: number, id: string) => void;

function dial(d: Draft, server: string): void {
  if (d.state.sessions.has(server) || d.state.dialing.has(server)) return;
  d.state.dialing.add(server);
  d.state.calls.set(d.io.request(server, { type: 'dial' }, { timeoutMs: DIAL_TIMEOUT_MS }), { kind: 'dial', server });
}

/** The fix: retry a configured server with exponential backoff. */
function retryLater(d: Draft, server: string, raise: Raise): void {
  if (d.dialFrom !== 'config') return;
  const waitMs = d.state.retryMs.get(server) ?? DISC_RETRY_FIRST_MS;
  d.state.retryMs.set(server, Math.min(DISC_RETRY_CAP_MS, waitMs * 2));
  raise({ type: 'redial', server }, waitMs, `redial-${server}`);
}

function handle(d: Draft, event: DiscoveryEvent, raise: Raise): void {
  switch (event.type) {
    case 'redial':
      return dial(d, event.server);
    case 'ticker':
      for (const server of storedEntries(d.io)) dial(d, server);
      return raise({ type: 'ticker' }, DISC_TICKER_MS, 'ticker');
    case 'ping-tick':
      for (const server of d.state.sessions) d.state.calls.set(d.io.request(server, { type: 'ping' }, { timeoutMs: SESSION_PING_DEADLINE_MS }), { kind: 'ping', server });
      return raise({ type: 'ping-tick' }, SESSION_PING_MS, 'ping-tick');
    case 'register': {
      const readId = event.requestId;
      const concurrent = d.state.reading.size;
      const readMs = POST_READ_BASE_MS + POST_READ_PER_CONCURRENT_MS * concurrent;
      d.state.reading.set(readId, event);
      const complete = readMs <= d.readTimeoutMs;
      return raise({ type: 'read-done', readId, complete }, complete ? readMs : d.readTimeoutMs, `read-${readId}`);
    }
    case 'read-done': {
      const request = d.state.reading.get(event.readId)!;
      d.state.reading.delete(event.readId);
      if (!event.complete) {
        d.io.note(`register ${request.server}: read timed out after ${d.readTimeoutMs} ms (unexpected EOF)`);
        return d.io.reply(request, { status: 400, body: 'unexpected EOF' });
      }
      const entries = storedEntries(d.io);
      if (!entries.includes(request.server)) d.io.durable.set(STORE, [...entries, request.server]);
      return d.io.reply(request, { status: 200 });
    }
    case 'lookup':
      return d.io.reply(event as IncomingRequest, { status: 200, body: { entries: storedEntries(d.io) } });
    case 'ping':
      return d.io.reply(event as IncomingRequest, { status: 200 });
    default: {
      const answer = event as ResponseEvent | TimeoutEvent;
      const call = d.state.calls.get(answer.requestId);
      if (call === undefined) return;
      d.state.calls.delete(answer.requestId);
      if (call.kind === 'dial') d.state.dialing.delete(call.server);
      const ok = answeredOk(answer);
      if (ok && call.kind === 'dial') {
        d.state.sessions.add(call.server);
        d.state.retryMs.delete(call.server);
      } else if (!ok) {
        d.state.sessions.delete(call.server);
        retryLater(d, call.server, raise);
      }
    }
  }
}

export const discovery = setup({
  types: {
    input: {} as DiscoveryFlags & { io: NodeIO; servers: readonly string[] },
    context: {} as DiscoveryContext,
    events: {} as DiscoveryEvent,
  },
  actions: {
    handle: enqueueActions(({ context, event, enqueue }) => {
      const d = context;
      const raises: [DiscoveryEvent, number, string][] = [];
      const raise: Raise = (e, delayMs, id) => void raises.push([e, delayMs, id]);
      if ((event.type as string) === 'xstate.init') {
        // At start: the fix dials every configured server at once; the incident's registrar waits for its ticker.
        if (d.dialFrom === 'config') for (const server of d.servers) dial(d, server);
        else raise({ type: 'ticker' }, DISC_TICKER_MS, 'ticker');
        raise({ type: 'ping-tick' }, SESSION_PING_MS, 'ping-tick');
      } else handle(d, event, raise);
      for (const [e, delay, id] of raises) enqueue.raise(e, { delay, id });
    }),
  },
}).createMachine({
  id: 'discovery',
  context: ({ input }) => ({ ...input, state: { sessions: new Set(), calls: new Map(), dialing: new Set(), retryMs: new Map(), reading: new Map() } }),
  entry: 'handle',
  on: { '*': { actions: 'handle' } },
});
