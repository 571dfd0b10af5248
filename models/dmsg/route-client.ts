/**
 * A visor's raw TCP connect over skynet (3149): each attempt dials a route
 * group to the remote, then connects through it. A UI or CLI user connects,
 * uses the connection for a while, closes it, and connects again; a failed
 * attempt is retried after a second.
 *
 * Bug flag `closeOnError`: the incident's error paths returned without
 * closing the dialed route group, leaking one per failed attempt against a
 * misconfigured remote; the fix closes it on every error path.
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
    context: {} as RouteClientFlags & { io: NodeIO; remote: string; openGroups: number; attempts: number; failures: number },
    events: {} as ResponseEvent<'connect'> | TimeoutEvent<'connect'>,
  },
  delays: { RETRY: RETRY_MS, USE: USE_MS },
  guards: { connected: ({ event }) => event.type === 'connect.response' && event.status === 200 },
  actions: {
    dial: assign(({ context }) => {
      context.io.request(context.remote, { type: 'connect' }, { timeoutMs: CONNECT_TIMEOUT_MS });
      return { openGroups: context.openGroups + 1, attempts: context.attempts + 1 };
    }),
    failed: assign(({ context, event }) => {
      const why = 'status' in event ? `HTTP ${event.status} ${JSON.stringify(event.body)}` : 'timed out';
      context.io.note(`connect failed (${why})${context.closeOnError ? '; route group closed' : ''}`);
      return { failures: context.failures + 1, openGroups: context.closeOnError ? context.openGroups - 1 : context.openGroups };
    }),
    close: assign(({ context }) => ({ openGroups: context.openGroups - 1 })),
  },
}).createMachine({
  id: 'route-client',
  context: ({ input }) => ({ ...input, openGroups: 0, attempts: 0, failures: 0 }),
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
