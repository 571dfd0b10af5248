/**
 * A payment service: charges an order when asked. Its ledger is on disk, so
 * a crash forgets nothing it charged. With `dedupeByKey` it remembers the
 * idempotency key of every charge and answers a repeat with the first
 * charge instead of charging again (as Stripe's Idempotency-Key does).
 */
import { assign, setup } from 'xstate';
import type { IncomingRequest, NodeIO } from 'chaos-testbed';

export type ChargeRequest = IncomingRequest<{ readonly type: 'charge'; readonly orderId: string; readonly idempotencyKey: string }>;

/** One line of the ledger. */
export type Charge = {
  readonly chargeId: string;
  readonly orderId: string;
  readonly idempotencyKey: string;
};

const LEDGER = 'ledger';

export const paymentService = setup({
  types: {
    input: {} as { readonly io: NodeIO; readonly dedupeByKey: boolean },
    context: {} as { readonly io: NodeIO; readonly dedupeByKey: boolean; readonly ledger: readonly Charge[] },
    events: {} as ChargeRequest,
  },
  guards: {
    alreadyCharged: ({ context, event }) => context.dedupeByKey && context.ledger.some((c) => c.idempotencyKey === event.idempotencyKey),
  },
  actions: {
    charge: assign({
      ledger: ({ context, event }) => [...context.ledger, { chargeId: `ch_${context.ledger.length + 1}`, orderId: event.orderId, idempotencyKey: event.idempotencyKey }],
    }),
    persist: ({ context }) => context.io.durable.set(LEDGER, context.ledger.map((c) => ({ ...c }))),
    replyLatest: ({ context, event }) => context.io.reply(event, { status: 200, body: { chargeId: context.ledger[context.ledger.length - 1]!.chargeId } }),
    replyFirst: ({ context, event }) => {
      const first = context.ledger.find((c) => c.idempotencyKey === event.idempotencyKey)!;
      context.io.reply(event, { status: 200, body: { chargeId: first.chargeId } });
    },
  },
}).createMachine({
  id: 'payment-service',
  context: ({ input }) => ({ io: input.io, dedupeByKey: input.dedupeByKey, ledger: input.io.durable.get<Charge[]>(LEDGER) ?? [] }),
  initial: 'serving',
  states: {
    serving: {
      on: {
        charge: [{ guard: 'alreadyCharged', actions: 'replyFirst' }, { actions: ['charge', 'persist', 'replyLatest'] }],
      },
    },
  },
});
