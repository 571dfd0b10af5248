/**
 * The control plane's API (and its store): Connectors, their Leases and
 * `IrohDNSPublished` conditions, and the published DNS records (who owns the
 * record of each public key). It is the source of truth invariants read.
 *
 * It sends watch events (Connector created, updated, deleted) to the
 * controller, each with the next resourceVersion, and a bookmark with the
 * current one every minute, so a controller that lost events (a partition)
 * sees the gap and relists, as a Kubernetes reflector does. A `list` may be
 * served stale (from a lagging cache), still holding Connectors deleted
 * within STALE_LIST_WINDOW_MS.
 */
import { assign, setup } from 'xstate';
import type { Delivered, IncomingRequest, NodeIO } from 'chaos-testbed';
import { BOOKMARK_MS, STALE_LIST_WINDOW_MS } from './timing.ts';

export interface ConnectorRecord {
  readonly uid: string;
  readonly project: string;
  readonly name: string;
  /** The public key whose DNS record the Connector publishes. */
  readonly key: string;
  readonly createdAtMs: number;
  readonly deletedAtMs: number | null;
}

export interface Condition {
  readonly status: 'True' | 'False';
  readonly reason: 'Owner' | 'DeferredToOwner';
  /** The cited owner, for `DeferredToOwner`. */
  readonly owner: { readonly project: string; readonly name: string; readonly uid: string } | null;
}

export interface ApiContext {
  readonly io: NodeIO;
  readonly controller: string;
  readonly connectors: Readonly<Record<string, ConnectorRecord>>;
  /** Last lease renewal per uid, in the API's clock. */
  readonly leases: Readonly<Record<string, number>>;
  readonly conditions: Readonly<Record<string, Condition>>;
  /** Owner uid of the DNS record of each key. */
  readonly records: Readonly<Record<string, string | null>>;
  /** resourceVersion of the latest watch event. */
  readonly rv: number;
}

type ApiEvent =
  | IncomingRequest<{ readonly type: 'heartbeat'; readonly uid: string }>
  | IncomingRequest<{ readonly type: 'get-status'; readonly uid: string }>
  | IncomingRequest<{ readonly type: 'list'; readonly stale: boolean }>
  | IncomingRequest<{ readonly type: 'get-leases' }>
  | IncomingRequest<{ readonly type: 'publish'; readonly key: string; readonly owner: string | null; readonly conditions: Readonly<Record<string, Condition>> }>
  | IncomingRequest<{ readonly type: 'resolve'; readonly key: string }>
  | Delivered<{ readonly type: 'agent-connected' | 'agent-disconnected'; readonly uid: string }>
  | { readonly type: 'create-connector'; readonly connector: ConnectorRecord }
  | { readonly type: 'delete-connector'; readonly uid: string };

const live = (c: ConnectorRecord | undefined): c is ConnectorRecord => c !== undefined && c.deletedAtMs === null;

/** Sends a watch event with the next resourceVersion; returns that version. */
function watchEvent(context: ApiContext, kind: 'created' | 'updated' | 'deleted', connector: ConnectorRecord): number {
  const rv = context.rv + 1;
  context.io.send(context.controller, { type: 'connector-event', kind, connector, rv });
  return rv;
}

export const apiServer = setup({
  delays: { BOOKMARK: BOOKMARK_MS },
  actions: {
    bookmark: ({ context }) => context.io.send(context.controller, { type: 'connector-event', kind: 'bookmark', connector: null, rv: context.rv }),
  },
  types: {
    input: {} as {
      io: NodeIO;
      controller: string;
      connectors: readonly ConnectorRecord[];
      leases: Readonly<Record<string, number>>;
      records: Readonly<Record<string, string | null>>;
    },
    context: {} as ApiContext,
    events: {} as ApiEvent,
  },
}).createMachine({
  id: 'api-server',
  context: ({ input }) => ({
    io: input.io,
    controller: input.controller,
    connectors: Object.fromEntries(input.connectors.map((c) => [c.uid, c])),
    leases: input.leases,
    conditions: {},
    records: input.records,
    rv: 0,
  }),
  initial: 'serving',
  states: {
    serving: {
      after: { BOOKMARK: { target: 'serving', reenter: true, actions: 'bookmark' } },
      on: {
        heartbeat: [
          {
            guard: ({ context, event }) => live(context.connectors[event.uid]),
            actions: [assign({ leases: ({ context, event }) => ({ ...context.leases, [event.uid]: context.io.nowMs() }) }), ({ context, event }) => context.io.reply(event, { status: 200 })],
          },
          { actions: ({ context, event }) => context.io.reply(event, { status: 404, body: 'connector not found' }) },
        ],
        'get-status': {
          actions: ({ context, event }) =>
            context.io.reply(event, live(context.connectors[event.uid]) ? { status: 200, body: (context.conditions[event.uid] ?? null) as never } : { status: 404 }),
        },
        list: {
          actions: ({ context, event }) => {
            const now = context.io.nowMs();
            const listed = Object.values(context.connectors)
              .filter((c) => c.deletedAtMs === null || (event.stale && now - c.deletedAtMs < STALE_LIST_WINDOW_MS))
              .sort((a, b) => (a.uid < b.uid ? -1 : 1));
            context.io.reply(event, { status: 200, body: { connectors: listed as never, records: context.records as never, rv: context.rv } });
          },
        },
        'get-leases': {
          actions: ({ context, event }) => {
            const existing = Object.values(context.connectors).filter(live).map((c) => c.uid);
            // The API's own time comes with the leases: freshness must be judged on
            // the clock that stamped them, not on the reader's (which may be skewed).
            context.io.reply(event, { status: 200, body: { leases: context.leases as never, existing, nowMs: context.io.nowMs() } });
          },
        },
        publish: {
          actions: [
            assign({
              records: ({ context, event }) => ({ ...context.records, [event.key]: event.owner }),
              // Conditions of deleted Connectors go nowhere.
              conditions: ({ context, event }) => ({
                ...context.conditions,
                ...Object.fromEntries(Object.entries(event.conditions).filter(([uid]) => live(context.connectors[uid]))),
              }),
            }),
            ({ context, event }) => context.io.reply(event, { status: 200 }),
          ],
        },
        resolve: {
          actions: ({ context, event }) => {
            const owner = context.records[event.key];
            const c = owner === undefined || owner === null ? undefined : context.connectors[owner];
            context.io.reply(event, { status: 200, body: c === undefined ? null : { uid: c.uid, name: c.name, project: c.project } });
          },
        },
        'agent-connected': {
          guard: ({ context, event }) => live(context.connectors[event.uid]),
          actions: assign({ rv: ({ context, event }) => watchEvent(context, 'updated', context.connectors[event.uid]!) }),
        },
        'agent-disconnected': {
          guard: ({ context, event }) => live(context.connectors[event.uid]),
          actions: assign({ rv: ({ context, event }) => watchEvent(context, 'updated', context.connectors[event.uid]!) }),
        },
        'create-connector': {
          actions: [
            assign({ connectors: ({ context, event }) => ({ ...context.connectors, [event.connector.uid]: { ...event.connector, createdAtMs: context.io.nowMs() } }) }),
            assign({ rv: ({ context, event }) => watchEvent(context, 'created', context.connectors[event.connector.uid]!) }),
          ],
        },
        'delete-connector': {
          actions: [
            assign({
              connectors: ({ context, event }) => ({ ...context.connectors, [event.uid]: { ...context.connectors[event.uid]!, deletedAtMs: context.io.nowMs() } }),
            }),
            assign({ rv: ({ context, event }) => watchEvent(context, 'deleted', context.connectors[event.uid]!) }),
          ],
        },
      },
    },
  },
});
