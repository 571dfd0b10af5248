/**
 * The route setup node's circuit breaker for one destination (3158). Callers
 * ask the setup node for a route; it forwards to the destination unless the
 * breaker is open.
 *
 * closed → (FAILURES_TO_OPEN consecutive failures) → open → (cooldown) →
 * half-open, where probes decide: a success closes it, a failure opens it
 * again. Bug flag `halfOpenAdmitsAll`: the incident's half-open state let
 * every caller through at once (a herd at a destination that may still be
 * down); the fix admits one probe and fails the others fast.
 */
import { assign, setup } from 'xstate';
import { answeredOk, type IncomingRequest, type NodeIO, type ResponseEvent, type TimeoutEvent } from 'chaos-testbed';

/** Consecutive failures that open the breaker. Assumed: 3. */
export const FAILURES_TO_OPEN = 3;
/** How long the breaker stays open before it lets a probe through. Assumed: 5 s. */
export const BREAKER_COOLDOWN_MS = 5_000;
/** Deadline of one forwarded route setup. Assumed: 2 s. */
export const SETUP_TIMEOUT_MS = 2_000;

export type BreakerFlags = { readonly halfOpenAdmitsAll: boolean };
export type BreakerState = 'closed' | 'open' | 'half-open';

interface BreakerContext extends BreakerFlags {
  readonly io: NodeIO;
  readonly destination: string;
  readonly state: BreakerState;
  readonly failures: number;
  readonly openedAtMs: number;
  /** Ids of the forwarded route setups in flight that are half-open probes. */
  readonly probes: readonly string[];
}

type BreakerEvent = IncomingRequest<{ readonly type: 'route' }> | ResponseEvent<'setup'> | TimeoutEvent<'setup'>;

/** Probes in flight now. */
export function probesInFlight(context: Pick<BreakerContext, 'probes'>): number {
  return context.probes.length;
}

/** What the caller of a route gets for the destination's answer. */
const routeReply = (answer: ResponseEvent | TimeoutEvent) => (answeredOk(answer) ? { status: 200 } : { status: 502, body: 'route setup failed' });

export const circuitBreaker = setup({
  types: {
    input: {} as BreakerFlags & { io: NodeIO; destination: string },
    context: {} as BreakerContext,
    events: {} as BreakerEvent,
  },
  actions: {
    route: assign(({ context, event }) => {
      const caller = event as IncomingRequest;
      let state = context.state;
      if (state === 'open' && context.io.nowMs() - context.openedAtMs >= BREAKER_COOLDOWN_MS) state = 'half-open';
      const admit = state === 'closed' || (state === 'half-open' && (context.halfOpenAdmitsAll || probesInFlight(context) === 0));
      if (!admit) {
        context.io.reply(caller, { status: 503, body: 'destination circuit breaker open' });
        return { state };
      }
      const id = context.io.forward(caller, context.destination, { timeoutMs: SETUP_TIMEOUT_MS, message: { type: 'setup' }, reply: routeReply });
      return { state, probes: state === 'half-open' ? [...context.probes, id] : context.probes };
    }),
    // The caller has its answer already (io.forward); the breaker counts it.
    answer: assign(({ context, event }) => {
      const e = event as ResponseEvent | TimeoutEvent;
      const probe = context.probes.includes(e.requestId);
      const probes = probe ? context.probes.filter((id) => id !== e.requestId) : context.probes;
      if (answeredOk(e)) return { probes, state: probe || context.state === 'closed' ? 'closed' : context.state, failures: 0 };
      const failures = context.failures + 1;
      if (probe || (context.state === 'closed' && failures >= FAILURES_TO_OPEN)) {
        if (context.state !== 'open') context.io.note(`breaker open (${probe ? 'probe failed' : `${failures} failures`})`);
        return { probes, state: 'open' as const, failures, openedAtMs: context.io.nowMs() };
      }
      return { probes, failures };
    }),
  },
}).createMachine({
  id: 'circuit-breaker',
  context: ({ input }) => ({ ...input, state: 'closed', failures: 0, openedAtMs: 0, probes: [] }),
  on: { route: { actions: 'route' }, 'setup.response': { actions: 'answer' }, 'setup.timeout': { actions: 'answer' } },
});
