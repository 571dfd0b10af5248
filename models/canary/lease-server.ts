/**
 * The canary's lease server: grants a single lease to one client at a time.
 * A grant lasts LEASE_DURATION_MS by the server's clock; the holder renews by
 * asking again. The grant is written to disk, so a server restart keeps it
 * (as etcd or a Kubernetes Lease object would).
 */
import { assign, setup } from 'xstate';
import type { IncomingRequest, NodeIO } from 'chaos-testbed';
import { LEASE_DURATION_MS } from './lease-timing.ts';

/** A client asks for the lease (or to renew it). */
export type AcquireRequest = IncomingRequest<{ readonly type: 'acquire' }>;

export interface LeaseServerInput {
  readonly io: NodeIO;
}

interface LeaseServerContext {
  readonly io: NodeIO;
  /** Who holds the lease, by node id; `null` when nobody ever held it. */
  readonly holder: string | null;
  /** Server-clock time at which the current grant lapses. */
  readonly expiresAtMs: number;
}

const DURABLE_KEY = 'lease';

export const leaseServer = setup({
  types: {
    input: {} as LeaseServerInput,
    context: {} as LeaseServerContext,
    events: {} as AcquireRequest,
  },
  guards: {
    leaseAvailable: ({ context, event }) =>
      context.holder === null || context.holder === event.from || context.io.nowMs() >= context.expiresAtMs,
  },
  actions: {
    grant: assign({
      holder: ({ event }) => event.from,
      expiresAtMs: ({ context }) => context.io.nowMs() + LEASE_DURATION_MS,
    }),
    persist: ({ context }) => context.io.durable.set(DURABLE_KEY, { holder: context.holder, expiresAtMs: context.expiresAtMs }),
    replyGranted: ({ context, event }) => context.io.reply(event, { status: 200, body: { expiresAtMs: context.expiresAtMs } }),
    replyRefused: ({ context, event }) => context.io.reply(event, { status: 409, body: { holder: context.holder } }),
  },
}).createMachine({
  id: 'lease-server',
  context: ({ input }) => {
    const saved = input.io.durable.get<{ holder: string | null; expiresAtMs: number }>(DURABLE_KEY);
    return { io: input.io, holder: saved?.holder ?? null, expiresAtMs: saved?.expiresAtMs ?? 0 };
  },
  initial: 'serving',
  states: {
    serving: {
      on: {
        acquire: [{ guard: 'leaseAvailable', actions: ['grant', 'persist', 'replyGranted'] }, { actions: 'replyRefused' }],
      },
    },
  },
});
