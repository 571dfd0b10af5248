/**
 * The ownership controller (the iroh DNS controller). Its cache of
 * Connectors is filled by a `list` when it starts (sorted by uid, as the API
 * returns it) and kept up to date by watch events (a created or updated
 * Connector moves to the front); a lost event or a stale list leaves it
 * wrong. Every RECONCILE_PERIOD_MS, and right after a relist, it reads the
 * Leases (with the API's time, so freshness is judged on the clock that
 * stamped them, whatever the skew of the controller's own), decides the owner
 * of each key's record, sets every candidate's `IrohDNSPublished` condition
 * and publishes the record.
 *
 * Bug flags: `arbitration` (first-seen or lease-aware) and `checkOwnerExists`
 * (whether a cached Connector is checked against the API before it can own).
 */
import { assign, enqueueActions, setup } from 'xstate';
import type { Delivered, NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';
import type { Condition, ConnectorRecord } from './api-server.ts';
import { chooseOwner, type Arbitration } from './arbitration.ts';
import { LEASE_DURATION_MS, RECONCILE_PERIOD_MS, REQUEST_TIMEOUT_MS } from './timing.ts';

export interface ControllerFlags {
  readonly arbitration: Arbitration;
  readonly checkOwnerExists: boolean;
}

interface ControllerContext extends ControllerFlags {
  readonly io: NodeIO;
  readonly api: string;
  /** Cached Connectors, in the cache's order. */
  readonly cache: readonly ConnectorRecord[];
  /** Last known owner of each key's record. */
  readonly records: Readonly<Record<string, string | null>>;
  /** The next list should be served stale (a `stale-relist` fault). */
  readonly staleList: boolean;
  /** Started with a warm cache (no list needed). */
  readonly warm: boolean;
  /** resourceVersion of the last watch event applied; a gap means events were lost. */
  readonly rv: number;
}

type ControllerEvent =
  | Delivered<{ readonly type: 'connector-event'; readonly kind: 'created' | 'updated' | 'deleted'; readonly connector: ConnectorRecord; readonly rv: number }>
  | Delivered<{ readonly type: 'connector-event'; readonly kind: 'bookmark'; readonly connector: null; readonly rv: number }>
  | { readonly type: 'relist'; readonly stale: boolean }
  | ResponseEvent<'list', { connectors: ConnectorRecord[]; records: Record<string, string | null>; rv: number }>
  | TimeoutEvent<'list'>
  | ResponseEvent<'get-leases', { leases: Record<string, number>; existing: string[]; nowMs: number }>
  | TimeoutEvent<'get-leases'>
  | ResponseEvent<'publish'>
  | TimeoutEvent<'publish'>;

export const controller = setup({
  types: {
    input: {} as ControllerFlags & {
      io: NodeIO;
      api: string;
      /** A cache built before the run (the controller has been up for days), or null to list at start. */
      warmCache: readonly ConnectorRecord[] | null;
      records: Readonly<Record<string, string | null>>;
    },
    context: {} as ControllerContext,
    events: {} as ControllerEvent,
  },
  delays: { RECONCILE_PERIOD: RECONCILE_PERIOD_MS, RETRY: 1_000 },
  actions: {
    list: ({ context }) => void context.io.request(context.api, { type: 'list', stale: context.staleList }, { timeoutMs: REQUEST_TIMEOUT_MS }),
    readLeases: ({ context }) => void context.io.request(context.api, { type: 'get-leases' }, { timeoutMs: REQUEST_TIMEOUT_MS }),
    fillCache: assign(({ event }) => {
      const body = (event as ResponseEvent<'list', { connectors: ConnectorRecord[]; records: Record<string, string | null>; rv: number }>).body;
      return { cache: body.connectors, records: body.records, staleList: false, rv: body.rv };
    }),
    applyWatchEvent: assign(({ context, event }) => {
      if (event.type !== 'connector-event' || event.kind === 'bookmark') return {};
      const others = context.cache.filter((c) => c.uid !== event.connector.uid);
      return { rv: event.rv, cache: event.kind === 'deleted' ? others : [event.connector, ...others] };
    }),
    reconcile: enqueueActions(({ context, event, enqueue }) => {
      const { leases, existing, nowMs } = (event as ResponseEvent<'get-leases', { leases: Record<string, number>; existing: string[]; nowMs: number }>).body;
      const records = { ...context.records };
      const keys = [...new Set(context.cache.map((c) => c.key))];
      for (const key of keys) {
        const candidates = context.cache.filter((c) => c.key === key && (!context.checkOwnerExists || existing.includes(c.uid)));
        const owner = chooseOwner({
          arbitration: context.arbitration,
          candidates,
          currentOwner: context.records[key] ?? null,
          leaseRenewedAtMs: leases,
          nowMs,
          leaseDurationMs: LEASE_DURATION_MS,
        });
        const conditions: Record<string, Condition> = {};
        for (const c of candidates) {
          conditions[c.uid] =
            owner === null || owner.uid === c.uid
              ? { status: 'True', reason: 'Owner', owner: null }
              : { status: 'False', reason: 'DeferredToOwner', owner: { project: owner.project, name: owner.name, uid: owner.uid } };
        }
        records[key] = owner?.uid ?? null;
        enqueue(() => context.io.request(context.api, { type: 'publish', key, owner: owner?.uid ?? null, conditions }, { timeoutMs: REQUEST_TIMEOUT_MS }));
      }
      enqueue.assign({ records });
    }),
  },
}).createMachine({
  id: 'ownership-controller',
  context: ({ input }) => ({
    io: input.io,
    api: input.api,
    arbitration: input.arbitration,
    checkOwnerExists: input.checkOwnerExists,
    cache: input.warmCache ?? [],
    records: input.records,
    staleList: false,
    warm: input.warmCache !== null,
    rv: 0,
  }),
  initial: 'starting',
  on: {
    'connector-event': [
      // Missed events (a gap in resourceVersions, or a bookmark ahead of us): relist, as a reflector does.
      {
        guard: ({ context, event }) => (event.kind === 'bookmark' ? event.rv > context.rv : event.rv !== context.rv + 1),
        target: '.listing',
        actions: ({ context }) => context.io.note('watch gap: relisting'),
      },
      { actions: 'applyWatchEvent' },
    ],
    relist: { target: '.listing', actions: assign({ staleList: ({ event }) => event.stale }) },
  },
  states: {
    starting: { always: [{ guard: ({ context }) => context.warm, target: 'idle' }, { target: 'listing' }] },
    listing: {
      entry: 'list',
      on: {
        'list.response': { target: 'reconciling', actions: 'fillCache' },
        'list.timeout': 'retryList',
      },
    },
    retryList: { after: { RETRY: 'listing' } },
    idle: { after: { RECONCILE_PERIOD: 'reconciling' } },
    reconciling: {
      entry: 'readLeases',
      on: {
        'get-leases.response': { target: 'idle', actions: 'reconcile' },
        'get-leases.timeout': 'idle',
      },
    },
  },
});
