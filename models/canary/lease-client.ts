/**
 * The canary's lease client: tries to acquire the lease every retry period;
 * once it holds it, renews it every retry period.
 *
 * Bug flag `stepDownOnDeadline`: a correct client (true) steps down when it
 * could not renew for RENEW_DEADLINE_MS, and counts its belief as valid only
 * until then by its own clock. The buggy client (false) keeps believing it
 * holds the lease until the server explicitly refuses a renewal, so a
 * partition or a pause longer than the lease leaves two holders.
 */
import { assign, setup } from 'xstate';
import type { NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';
import { RENEW_DEADLINE_MS, REQUEST_TIMEOUT_MS, RETRY_PERIOD_MS } from './lease-timing.ts';

export interface LeaseClientInput {
  readonly io: NodeIO;
  /** The lease server's node id. */
  readonly server: string;
  readonly stepDownOnDeadline: boolean;
}

interface LeaseClientContext extends LeaseClientInput {
  /** Local-clock time until which this client trusts its last grant. */
  readonly trustUntilMs: number;
  /** Local-clock time at which the request in flight was sent. */
  readonly sentAtMs: number;
}

type LeaseClientEvent = ResponseEvent<'acquire'> | TimeoutEvent<'acquire'>;

export const leaseClient = setup({
  types: {
    input: {} as LeaseClientInput,
    context: {} as LeaseClientContext,
    events: {} as LeaseClientEvent,
  },
  delays: {
    RETRY_PERIOD: RETRY_PERIOD_MS,
    RENEW_DEADLINE: RENEW_DEADLINE_MS,
  },
  guards: {
    granted: ({ event }) => event.type === 'acquire.response' && event.status === 200,
    refused: ({ event }) => event.type === 'acquire.response' && event.status === 409,
    stepsDownOnDeadline: ({ context }) => context.stepDownOnDeadline,
  },
  actions: {
    markSent: assign({ sentAtMs: ({ context }) => context.io.nowMs() }),
    sendAcquire: ({ context }) => {
      context.io.request(context.server, { type: 'acquire' }, { timeoutMs: REQUEST_TIMEOUT_MS });
    },
    // Trust is measured from when the request was sent, not when the answer
    // came: the server's grant started somewhere in between.
    trustGrant: assign({ trustUntilMs: ({ context }) => context.sentAtMs + RENEW_DEADLINE_MS }),
    noteStepDown: ({ context }) => context.io.note('renew deadline passed without a renewal: stepping down'),
  },
}).createMachine({
  id: 'lease-client',
  context: ({ input }) => ({ ...input, trustUntilMs: 0, sentAtMs: 0 }),
  initial: 'idle',
  states: {
    idle: {
      after: { RETRY_PERIOD: 'acquiring' },
    },
    acquiring: {
      entry: ['markSent', 'sendAcquire'],
      on: {
        'acquire.response': [{ guard: 'granted', target: 'holding', actions: 'trustGrant' }, { target: 'idle' }],
        'acquire.timeout': 'idle',
      },
    },
    holding: {
      initial: 'waiting',
      after: {
        RENEW_DEADLINE: { guard: 'stepsDownOnDeadline', target: 'idle', actions: 'noteStepDown' },
      },
      states: {
        waiting: {
          after: { RETRY_PERIOD: 'renewing' },
        },
        renewing: {
          entry: ['markSent', 'sendAcquire'],
          on: {
            // A renewal restarts the whole holding state, and with it the deadline.
            'acquire.response': [
              { guard: 'granted', target: '#lease-client.holding', reenter: true, actions: 'trustGrant' },
              { guard: 'refused', target: '#lease-client.idle' },
              { target: 'waiting' },
            ],
            'acquire.timeout': 'waiting',
          },
        },
      },
    },
  },
});

/** The snapshot shape invariants read. */
export interface LeaseClientView {
  matches(state: 'holding'): boolean;
  readonly context: LeaseClientContext;
}

/**
 * Whether the client would act as the lease holder right now: it is in
 * `holding` and, if it honours deadlines, its own clock says the grant is
 * still trusted.
 */
export function actsAsHolder(snapshot: LeaseClientView, localNowMs: number): boolean {
  if (!snapshot.matches('holding')) return false;
  return !snapshot.context.stepDownOnDeadline || localNowMs < snapshot.context.trustUntilMs;
}
