/**
 * A synthetic bug of known difficulty: one applied request whose reply is
 * lost. A client charges an order once, 20 s into the run, and polls its
 * balance every 500 ms; a charge that times out is retried. The buggy ledger
 * applies every charge it receives, so a charge that was applied but whose
 * reply was lost is applied twice; the fixed one keys charges by order.
 *
 * Only a `request-fault` of mode `drop-reply` on the ledger that takes the
 * charge does it: one of type `charge` armed before t=20 s, or one of any
 * type armed late enough that the balance polls before the charge do not
 * use it up. The decoys: the other modes (an error or a lost request makes
 * the client retry a charge that was never applied), the same faults on an
 * auditor nobody charges, and partitions and drops of a link the charge
 * does not cross.
 */
import { assign, setup } from 'xstate';
import { always, defineScenario, ratio, violated, type AnyScenario, type IncomingRequest, type NodeIO, type ResponseEvent, type TimeoutEvent } from 'chaos-testbed';
import { pinger } from './pinger.ts';

/** When the client charges its one order. */
const CHARGE_AT_MS = 20_000;
const POLL_EVERY_MS = 500;
/** How long the client waits for any answer before it gives up on it (a charge is then retried). */
const REQUEST_TIMEOUT_MS = 1_000;

type ClientEvent = ResponseEvent | TimeoutEvent | { readonly type: 'charge-now' };

const client = setup({
  types: { input: {} as { readonly io: NodeIO }, context: {} as { readonly io: NodeIO; readonly charged: boolean }, events: {} as ClientEvent },
  delays: { POLL: POLL_EVERY_MS },
  actions: {
    poll: ({ context }) => void context.io.request('ledger', { type: 'balance' }, { timeoutMs: REQUEST_TIMEOUT_MS }),
    charge: ({ context }) => void context.io.request('ledger', { type: 'charge', order: 'order-1' }, { timeoutMs: REQUEST_TIMEOUT_MS }),
  },
}).createMachine({
  id: 'client',
  context: ({ input }) => ({ io: input.io, charged: false }),
  type: 'parallel',
  states: {
    reads: {
      initial: 'waiting',
      states: {
        waiting: { after: { POLL: { target: 'reading', actions: 'poll' } } },
        reading: {
          on: {
            'balance.response': 'waiting',
            'balance.timeout': 'unanswered',
          },
        },
        unanswered: { after: { POLL: { target: 'reading', actions: 'poll' } } },
      },
    },
    order: {
      initial: 'idle',
      states: {
        idle: { on: { 'charge-now': { target: 'charging', actions: 'charge' } } },
        charging: {
          on: {
            'charge.response': [{ guard: ({ event }) => (event as ResponseEvent).status === 200, target: 'paid' }, { target: 'retrying' }],
            'charge.timeout': { target: 'retrying' },
          },
        },
        retrying: { after: { POLL: { target: 'charging', actions: 'charge' } } },
        paid: { type: 'final' },
      },
    },
  },
});

type LedgerRequest = IncomingRequest<{ readonly type: 'balance' } | { readonly type: 'charge'; readonly order: string }>;

const ledger = setup({
  types: {
    input: {} as { readonly io: NodeIO; readonly idempotent: boolean },
    context: {} as { readonly io: NodeIO; readonly idempotent: boolean; readonly charges: Readonly<Record<string, number>> },
    events: {} as LedgerRequest,
  },
}).createMachine({
  id: 'ledger',
  context: ({ input }) => ({ ...input, charges: {} }),
  initial: 'serving',
  states: {
    serving: {
      on: {
        balance: { actions: ({ context, event }) => context.io.reply(event, { status: 200 }) },
        charge: {
          actions: [
            assign({
              charges: ({ context, event }) => {
                const order = (event as { order: string }).order;
                const done = context.charges[order] ?? 0;
                return { ...context.charges, [order]: context.idempotent && done > 0 ? done : done + 1 };
              },
            }),
            ({ context, event }) => context.io.reply(event, { status: 200 }),
          ],
        },
      },
    },
  },
});

/** The one order's charges on the ledger. */
const chargesOf = (snapshot: { context: { charges: Readonly<Record<string, number>> } } | undefined) => snapshot?.context.charges['order-1'] ?? 0;

export const lostReply: AnyScenario = defineScenario({
  id: 'search/lost-reply',
  title: 'Synthetic: an applied request whose reply is lost',
  description: 'A charge applied by the ledger but whose reply is lost is retried, and the buggy ledger charges the order twice.',
  variants: { buggy: { idempotent: false }, fixed: { idempotent: true } },
  durationMs: 40_000,
  build(sim, flags) {
    const book = sim.node('ledger', ledger, (io) => ({ io, idempotent: flags.idempotent }));
    sim.node('auditor', ledger, (io) => ({ io, idempotent: true }));
    const buyer = sim.node('client', client, (io) => ({ io }));
    sim.node('peer', pinger, (io) => ({ io, peer: 'auditor' }));
    sim.at(CHARGE_AT_MS, () => buyer.send({ type: 'charge-now' }));
    return { book };
  },
  faultSpace: {
    windowMs: [0, 30_000],
    maxFaults: 4,
    kinds: {
      'request-fault': { nodes: ['ledger', 'auditor'], types: [null, 'balance', 'charge', 'audit'], modes: ['error', 'drop-request', 'drop-reply'], statuses: [503], count: [1, 5] },
      partition: { links: [['peer', 'auditor']], durationMs: [100, 10_000] },
      drop: { links: [['peer', 'auditor']], durationMs: [100, 10_000], ratios: [ratio(1, 2)] },
      pause: { nodes: ['auditor', 'peer'], durationMs: [100, 5_000] },
    },
  },
  invariants: ({ book }) => [
    always('charged-once', 'An order charged twice takes the customer\'s money twice.', () =>
      chargesOf(book.snapshot()) <= 1 || violated(`order-1 charged ${chargesOf(book.snapshot())} times`),
    ),
  ],
});
