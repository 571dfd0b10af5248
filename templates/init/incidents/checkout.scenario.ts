/**
 * Double charge: the checkout retries a charge whose answer was slow, and
 * the payment service charges the order a second time: the first charge had
 * gone through, only its answer was late. The fix: the service dedupes
 * charges by idempotency key.
 */
import { always, defineScenario, eventually, violated } from 'chaos-testbed';
import { checkout } from './models/checkout.js';
import { paymentService } from './models/payment-service.js';

export default defineScenario({
  id: 'payments/double-charge',
  title: 'A retried charge is charged twice',
  description: 'The checkout retries a charge on timeout; the payment service charges again unless it dedupes by idempotency key.',
  variants: {
    buggy: { dedupeByKey: false },
    fixed: { dedupeByKey: true },
  },
  durationMs: 60_000,
  build(sim, flags) {
    const payments = sim.node('payments', paymentService, (io) => ({ io, dedupeByKey: flags.dedupeByKey }));
    const shop = sim.node('checkout', checkout, (io) => ({ io }));
    // A second client that talks to nobody: the search must learn its faults do nothing.
    sim.node('reports', paymentService, (io) => ({ io, dedupeByKey: true }));
    return { payments, shop };
  },
  invariants: ({ payments, shop }) => [
    always('charged-at-most-once', 'A customer charged twice for one order is owed a refund and an apology.', () => {
      const ledger = payments.snapshot()?.context.ledger ?? [];
      const twice = ledger.find((c, i) => ledger.findIndex((d) => d.orderId === c.orderId) !== i);
      return twice === undefined || violated(`${twice.orderId} was charged twice`, { charges: ledger.filter((c) => c.orderId === twice.orderId).map((c) => c.chargeId) });
    }),
    eventually('orders-get-paid', 'A checkout that cannot take payment loses every sale.', 20_000, (world) => {
      const paidAtMs = shop.snapshot()?.context.lastPaidAtMs ?? null;
      return (paidAtMs !== null && paidAtMs >= world.lastHealMs) || violated('no order paid since the last fault healed', { lastPaidAtMs: paidAtMs });
    }),
  ],
  faultSpace: {
    windowMs: [0, 30_000],
    maxFaults: 3,
    kinds: {
      delay: { links: [['checkout', 'payments'], ['reports', 'payments']], durationMs: [100, 10_000], extraMs: [100, 5_000], oneWay: true },
      partition: { links: [['checkout', 'payments'], ['reports', 'payments']], durationMs: [100, 10_000] },
      crash: { nodes: ['payments', 'reports'], downMs: [0, 5_000] },
    },
  },
});
