/**
 * A dmsg server's entry publishing, and its Close() (3145, 3150). The
 * cold-start fix moved the entry-publish loops into background goroutines
 * (a PutEntry every PUBLISH_MS); Close() deletes the entry from discovery.
 *
 * Bug flag `closeJoinsPublishers`: the incident's Close() ran delEntry while
 * a PutEntry was still draining (its wg.Wait() no longer joined the
 * background goroutines), so the put could land after the delete and leave
 * a zombie entry advertising a dead server; the fix stops the loops and
 * waits for puts in flight before deleting.
 */
import { assign, enqueueActions, setup } from 'xstate';
import type { IncomingRequest, NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';

/** The publish loop's period. Assumed: 5 s. */
export const PUBLISH_MS = 5_000;
/** Discovery takes this long to verify and store a signed entry under load. Assumed: 1 s. */
export const PUT_PROCESSING_MS = 1_000;
const CALL_TIMEOUT_MS = 10_000;

export type PublisherFlags = { readonly closeJoinsPublishers: boolean };

interface PublisherContext extends PublisherFlags {
  readonly io: NodeIO;
  readonly disc: string;
  readonly putsInFlight: readonly string[];
  /** When Close() returned (the entry deleted), or null. */
  readonly closedAtMs: number | null;
}

type PublisherEvent = ResponseEvent | TimeoutEvent | { readonly type: 'close' };

export const entryPublisher = setup({
  types: {
    input: {} as PublisherFlags & { io: NodeIO; disc: string },
    context: {} as PublisherContext,
    events: {} as PublisherEvent,
  },
  delays: { PUBLISH: PUBLISH_MS },
  guards: { drained: ({ context }) => context.putsInFlight.length === 0, joins: ({ context }) => context.closeJoinsPublishers },
  actions: {
    put: assign(({ context }) => ({ putsInFlight: [...context.putsInFlight, context.io.request(context.disc, { type: 'put-entry', server: context.io.node }, { timeoutMs: CALL_TIMEOUT_MS })] })),
    settle: assign(({ context, event }) => ({ putsInFlight: context.putsInFlight.filter((id) => id !== (event as ResponseEvent).requestId) })),
    del: ({ context }) => void context.io.request(context.disc, { type: 'del-entry', server: context.io.node }, { timeoutMs: CALL_TIMEOUT_MS }),
    closed: assign(({ context }) => {
      context.io.note('Close() returned: entry deleted');
      return { closedAtMs: context.io.nowMs() };
    }),
  },
}).createMachine({
  id: 'entry-publisher',
  context: ({ input }) => ({ ...input, putsInFlight: [], closedAtMs: null }),
  initial: 'serving',
  on: { 'put-entry.response': { actions: 'settle' }, 'put-entry.timeout': { actions: 'settle' } },
  states: {
    serving: {
      entry: 'put',
      after: { PUBLISH: { target: 'serving', reenter: true } },
      on: { close: [{ guard: 'joins', target: 'draining' }, { target: 'deleting' }] },
    },
    // The fix: the loops are stopped; wait for puts in flight before the delete.
    draining: { always: { guard: 'drained', target: 'deleting' } },
    deleting: { entry: 'del', on: { 'del-entry.response': { target: 'closed', actions: 'closed' }, 'del-entry.timeout': { target: 'closed', actions: 'closed' } } },
    closed: {},
  },
});

/** Discovery's entry store: a put is stored after PUT_PROCESSING_MS; a delete at once. */
export const entryStore = setup({
  types: {
    input: {} as { io: NodeIO },
    context: {} as { io: NodeIO; entries: readonly string[]; pending: Readonly<Record<string, IncomingRequest<{ type: 'put-entry'; server: string }>>> },
    events: {} as IncomingRequest<{ readonly type: 'put-entry' | 'del-entry'; readonly server: string }> | { readonly type: 'stored'; readonly id: string },
  },
}).createMachine({
  id: 'entry-store',
  context: ({ input }) => ({ io: input.io, entries: [], pending: {} }),
  on: {
    'put-entry': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const put = event as IncomingRequest<{ type: 'put-entry'; server: string }>;
        enqueue.assign({ pending: { ...context.pending, [put.requestId]: put } });
        enqueue.raise({ type: 'stored', id: put.requestId }, { delay: PUT_PROCESSING_MS, id: `put-${put.requestId}` });
      }),
    },
    stored: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const { [(event as { id: string }).id]: put, ...pending } = context.pending;
        if (put === undefined) return;
        enqueue.assign({ pending, entries: context.entries.includes(put.server) ? context.entries : [...context.entries, put.server] });
        enqueue(() => context.io.reply(put, { status: 200 }));
      }),
    },
    'del-entry': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const del = event as IncomingRequest<{ type: 'del-entry'; server: string }>;
        enqueue.assign({ entries: context.entries.filter((e) => e !== del.server) });
        enqueue(() => context.io.reply(del, { status: 200 }));
      }),
    },
  },
});
