/**
 * The checkout: takes an order every ORDER_EVERY_MS and charges it, retrying
 * when the payment service does not answer in time (the customer is still
 * waiting). A retry carries the same idempotency key as the first attempt.
 */
import { assign, setup } from 'xstate';
import type { NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';

/** How long the checkout waits for an answer: an assumed client timeout. */
export const CHARGE_TIMEOUT_MS = 2_000;
/** Pause before a retry: an assumed fixed backoff. */
export const RETRY_AFTER_MS = 500;
/** A new order every 5 s: an assumed steady trickle of customers. */
export const ORDER_EVERY_MS = 5_000;

interface CheckoutContext {
  readonly io: NodeIO;
  /** The order being charged, or the last one paid. */
  readonly order: number;
  readonly attempts: number;
  /** When the last order was paid, by this node's clock. */
  readonly lastPaidAtMs: number | null;
}

export const checkout = setup({
  types: {
    input: {} as { readonly io: NodeIO },
    context: {} as CheckoutContext,
    events: {} as ResponseEvent<'charge', { chargeId: string }> | TimeoutEvent<'charge'>,
  },
  delays: { RETRY_AFTER: RETRY_AFTER_MS, ORDER_EVERY: ORDER_EVERY_MS },
  guards: {
    charged: ({ event }) => event.type === 'charge.response' && event.status === 200,
  },
  actions: {
    sendCharge: assign({
      attempts: ({ context }) => {
        const orderId = `order-${context.order}`;
        context.io.request('payments', { type: 'charge', orderId, idempotencyKey: orderId }, { timeoutMs: CHARGE_TIMEOUT_MS });
        return context.attempts + 1;
      },
    }),
    markPaid: assign({ lastPaidAtMs: ({ context }) => context.io.nowMs() }),
    nextOrder: assign({ order: ({ context }) => context.order + 1, attempts: 0 }),
  },
}).createMachine({
  id: 'checkout',
  context: ({ input }) => ({ io: input.io, order: 1, attempts: 0, lastPaidAtMs: null }),
  initial: 'charging',
  states: {
    charging: {
      entry: 'sendCharge',
      on: {
        'charge.response': [{ guard: 'charged', target: 'paid', actions: 'markPaid' }, { target: 'retrying' }],
        'charge.timeout': 'retrying',
      },
    },
    retrying: { after: { RETRY_AFTER: 'charging' } },
    paid: { after: { ORDER_EVERY: { target: 'charging', actions: 'nextOrder' } } },
  },
});
