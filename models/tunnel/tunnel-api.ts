/**
 * The tunnel control plane (behind Envoy): creates the tunnel, moves its
 * setup conditions along (the slow-but-working path is a long reconcile),
 * takes listen-node heartbeats, and publishes the hostname's TXT record
 * naming the node that heartbeated last. Setup is ready when the conditions
 * are done and DNS names the current listen node (`IrohDNSPublished`).
 *
 * Faults of its own: a slow reconcile (setup takes longer), and revoked
 * access (every call from now on is 403, a hard error).
 */
import { enqueueActions, setup } from 'xstate';
import type { IncomingRequest, NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';
import { PUBLISH_DELAY_MS, REQUEST_TIMEOUT_MS, SETUP_MS } from './timing.ts';

export interface ApiFlags {
  readonly heartbeatOrder: 'arrival' | 'newest-process';
}

interface ApiContext extends ApiFlags {
  readonly io: NodeIO;
  readonly dns: string;
  readonly hostname: string;
  readonly created: boolean;
  readonly setupDoneAtMs: number | null;
  readonly setupDone: boolean;
  readonly listenNode: string | null;
  /** When the listen node's process started, as its heartbeat said. */
  readonly listenNodeStartedAtMs: number | null;
  /** The node the authoritative DNS has acknowledged. */
  readonly published: string | null;
  /** The node of the publish request in flight. */
  readonly publishing: string | null;
  /** A slow reconcile holds setup until at least this time. */
  readonly slowUntilMs: number;
  readonly revoked: boolean;
  /** When a setup call (create, get-progress) was first answered 403. */
  readonly refusedSetupAtMs: number | null;
}

type ApiEvent =
  | IncomingRequest<{ readonly type: 'create' }>
  | IncomingRequest<{ readonly type: 'get-progress' }>
  | IncomingRequest<{ readonly type: 'heartbeat'; readonly node: string; readonly startedAtMs: number }>
  | { readonly type: 'setup-done' }
  | { readonly type: 'publish-now' }
  | ResponseEvent<'publish'>
  | TimeoutEvent<'publish'>
  | { readonly type: 'slow-reconcile'; readonly extraMs: number }
  | { readonly type: 'revoke-access' };

/** Whether setup is complete: conditions done and DNS naming the node that heartbeated last. */
export function setupReady(context: Pick<ApiContext, 'setupDone' | 'listenNode' | 'published'>): boolean {
  return context.setupDone && context.listenNode !== null && context.published === context.listenNode;
}

const forbidden = { status: 403, body: 'forbidden: the service account lost access to the tunnel' } as const;

/** Answers a setup call 403, noting when that first happened. */
function refuseSetup(context: ApiContext, event: IncomingRequest, enqueue: { (action: () => void): void; assign(values: Partial<ApiContext>): void }): void {
  if (context.refusedSetupAtMs === null) enqueue.assign({ refusedSetupAtMs: context.io.nowMs() });
  enqueue(() => context.io.reply(event, forbidden));
}

export const tunnelApi = setup({
  types: {
    input: {} as ApiFlags & { io: NodeIO; dns: string; hostname: string },
    context: {} as ApiContext,
    events: {} as ApiEvent,
  },
  actions: {
    publishIfStale: enqueueActions(({ context, enqueue }) => {
      if (!context.setupDone || context.listenNode === null || context.published === context.listenNode) return;
      const node = context.listenNode;
      enqueue.assign({ publishing: node });
      enqueue(() => context.io.request(context.dns, { type: 'publish', hostname: context.hostname, node }, { timeoutMs: REQUEST_TIMEOUT_MS }));
    }),
  },
}).createMachine({
  id: 'tunnel-api',
  context: ({ input }) => ({ ...input, created: false, setupDoneAtMs: null, setupDone: false, listenNode: null, listenNodeStartedAtMs: null, published: null, publishing: null, slowUntilMs: 0, revoked: false, refusedSetupAtMs: null }),
  on: {
    create: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        if (context.revoked) return refuseSetup(context, event, enqueue);
        if (!context.created) {
          const delayMs = Math.max(SETUP_MS, context.slowUntilMs - context.io.nowMs());
          enqueue.assign({ created: true, setupDoneAtMs: context.io.nowMs() + delayMs });
          enqueue.raise({ type: 'setup-done' }, { delay: delayMs, id: 'setup-done' });
        }
        enqueue(() => context.io.reply(event, { status: context.created ? 200 : 201 }));
      }),
    },
    'get-progress': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        if (context.revoked) return refuseSetup(context, event, enqueue);
        if (!context.created) return void enqueue(() => context.io.reply(event, { status: 404, body: 'tunnel not found' }));
        const conditions = { Programmed: context.setupDone, IrohDNSPublished: context.listenNode !== null && context.published === context.listenNode };
        enqueue(() => context.io.reply(event, { status: 200, body: { ready: setupReady(context), conditions } }));
      }),
    },
    heartbeat: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        if (context.revoked) return void enqueue(() => context.io.reply(event, forbidden));
        const older = context.listenNodeStartedAtMs !== null && event.startedAtMs < context.listenNodeStartedAtMs;
        if (context.heartbeatOrder === 'newest-process' && older) {
          enqueue(() => context.io.note(`heartbeat from ${event.node} ignored: its process started before ${context.listenNode}'s`));
          return void enqueue(() => context.io.reply(event, { status: 200 }));
        }
        enqueue.assign({ listenNode: event.node, listenNodeStartedAtMs: event.startedAtMs });
        enqueue(() => context.io.reply(event, { status: 200 }));
        enqueue.raise({ type: 'publish-now' }, { delay: PUBLISH_DELAY_MS, id: 'publish' });
      }),
    },
    'setup-done': { actions: [enqueueActions(({ enqueue }) => enqueue.assign({ setupDone: true })), 'publishIfStale'] },
    'publish-now': { actions: 'publishIfStale' },
    'publish.response': {
      actions: [
        enqueueActions(({ context, event, enqueue }) => {
          if (event.status === 200) enqueue.assign({ published: context.publishing });
        }),
        // A newer node may have heartbeated meanwhile.
        'publishIfStale',
      ],
    },
    'publish.timeout': { actions: 'publishIfStale' },
    'slow-reconcile': {
      // The reconcile is slow until `extraMs` from now: setup cannot finish before then.
      actions: enqueueActions(({ context, event, enqueue }) => {
        const slowUntilMs = Math.max(context.slowUntilMs, context.io.nowMs() + event.extraMs);
        enqueue.assign({ slowUntilMs });
        if (!context.created || context.setupDone || context.setupDoneAtMs === null || context.setupDoneAtMs >= slowUntilMs) return;
        enqueue.cancel('setup-done');
        enqueue.assign({ setupDoneAtMs: slowUntilMs });
        enqueue.raise({ type: 'setup-done' }, { delay: slowUntilMs - context.io.nowMs(), id: 'setup-done' });
      }),
    },
    'revoke-access': { actions: enqueueActions(({ enqueue }) => enqueue.assign({ revoked: true })) },
  },
});
