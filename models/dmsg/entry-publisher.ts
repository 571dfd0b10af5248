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
import type { CapacitySpec, IncomingRequest, NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';

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

/**
 * Discovery's capacity for puts: each takes PUT_PROCESSING_MS to verify and
 * store, however many are in flight; a delete is served at once.
 */
export const ENTRY_STORE_CAPACITY: CapacitySpec = { concurrency: Number.POSITIVE_INFINITY, serviceMs: { 'put-entry': PUT_PROCESSING_MS } };

/** Discovery's entry store (declare its node with ENTRY_STORE_CAPACITY): stores a put, deletes a delete. */
export const entryStore = setup({
  types: {
    input: {} as { io: NodeIO },
    context: {} as { io: NodeIO; entries: readonly string[] },
    events: {} as IncomingRequest<{ readonly type: 'put-entry' | 'del-entry'; readonly server: string }>,
  },
}).createMachine({
  id: 'entry-store',
  context: ({ input }) => ({ io: input.io, entries: [] }),
  on: {
    'put-entry': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        enqueue.assign({ entries: context.entries.includes(event.server) ? context.entries : [...context.entries, event.server] });
        enqueue(() => context.io.reply(event, { status: 200 }));
      }),
    },
    'del-entry': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        enqueue.assign({ entries: context.entries.filter((e) => e !== event.server) });
        enqueue(() => context.io.reply(event, { status: 200 }));
      }),
    },
  },
});
