/**
 * A visor's raw TCP connect over skynet (3149): each attempt dials a route
 * group to the remote (a connection), then asks for the port through it. A
 * UI or CLI user connects, uses the connection for a while, closes it, and
 * connects again; a failed attempt is retried after a second.
 *
 * Bug flag `closeOnError`: the incident's error paths returned without
 * closing the dialed route group, leaking one per failed attempt against a
 * misconfigured remote; the fix closes it on every error path. (A dial the
 * network refuses or times out leaves nothing to close: the kernel closed it.)
 */
import { assign, setup } from 'xstate';
import type { IncomingRequest, NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';

/** Retry after a failed attempt, and how long a connection is used. Assumed: 1 s and 5 s. */
export const RETRY_MS = 1_000;
export const USE_MS = 5_000;
const CONNECT_TIMEOUT_MS = 2_000;

export type RouteClientFlags = { readonly closeOnError: boolean };

export const routeClient = setup({
  types: {
    input: {} as RouteClientFlags & { io: NodeIO; remote: string },
    context: {} as RouteClientFlags & { io: NodeIO; remote: string; group: string; attempts: number; failures: number },
    events: {} as ResponseEvent<'connect'> | TimeoutEvent<'connect'>,
  },
  delays: { RETRY: RETRY_MS, USE: USE_MS },
  guards: { connected: ({ event }) => event.type === 'connect.response' && event.status === 200 },
  actions: {
    dial: assign(({ context }) => {
      const group = context.io.connect(context.remote, { timeoutMs: CONNECT_TIMEOUT_MS });
      context.io.requestOn(group, { type: 'connect' }, { timeoutMs: CONNECT_TIMEOUT_MS });
      return { group, attempts: context.attempts + 1 };
    }),
    failed: assign(({ context, event }) => {
      const why = 'status' in event ? `HTTP ${event.status} ${JSON.stringify(event.body)}` : event.reason === 'closed' ? 'no route' : 'timed out';
      context.io.note(`connect failed (${why})${context.closeOnError ? '; route group closed' : ''}`);
      if (context.closeOnError) context.io.close(context.group);
      return { failures: context.failures + 1 };
    }),
    close: ({ context }) => context.io.close(context.group),
  },
}).createMachine({
  id: 'route-client',
  context: ({ input }) => ({ ...input, group: '', attempts: 0, failures: 0 }),
  initial: 'connecting',
  states: {
    connecting: {
      entry: 'dial',
      on: { 'connect.response': [{ guard: 'connected', target: 'using' }, { target: 'retrying', actions: 'failed' }], 'connect.timeout': { target: 'retrying', actions: 'failed' } },
    },
    retrying: { after: { RETRY: 'connecting' } },
    using: { after: { USE: { target: 'connecting', actions: 'close' } } },
  },
});

/** The remote: accepts connects unless misconfigured (a custom fault). */
export const routeRemote = setup({
  types: {
    input: {} as { io: NodeIO },
    context: {} as { io: NodeIO; misconfigured: boolean },
    events: {} as IncomingRequest<{ readonly type: 'connect' }> | { readonly type: 'misconfigure'; readonly on: boolean },
  },
}).createMachine({
  id: 'route-remote',
  context: ({ input }) => ({ io: input.io, misconfigured: false }),
  on: {
    misconfigure: { actions: assign({ misconfigured: ({ event }) => (event as { on: boolean }).on }) },
    connect: {
      actions: ({ context, event }) => context.io.reply(event as IncomingRequest, context.misconfigured ? { status: 404, body: 'no such port on the remote' } : { status: 200 }),
    },
  },
});
