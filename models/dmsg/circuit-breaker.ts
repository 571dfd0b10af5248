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
import { setup } from 'xstate';
import { answeredOk, type IncomingRequest, type NodeIO, type ResponseEvent, type TimeoutEvent } from 'chaos-testbed';

/** Consecutive failures that open the breaker. Assumed: 3. */
export const FAILURES_TO_OPEN = 3;
/** How long the breaker stays open before it lets a probe through. Assumed: 5 s. */
export const BREAKER_COOLDOWN_MS = 5_000;
/** Deadline of one forwarded route setup. Assumed: 2 s. */
export const SETUP_TIMEOUT_MS = 2_000;

export type BreakerFlags = { readonly halfOpenAdmitsAll: boolean };
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * The breaker's bookkeeping. Its actions change it in place rather than
 * through `assign`, which copied it, and the snapshot with it, at every
 * route and answer (two in five of a run's events); readers see it as it is after
 * the step they read it in.
 */
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

/** The context as the breaker's actions change it. */
type Breaker = { -readonly [K in keyof BreakerContext]: BreakerContext[K] };

function route(b: Breaker, caller: IncomingRequest): void {
  if (b.state === 'open' && b.io.nowMs() - b.openedAtMs >= BREAKER_COOLDOWN_MS) b.state = 'half-open';
  const admit = b.state === 'closed' || (b.state === 'half-open' && (b.halfOpenAdmitsAll || probesInFlight(b) === 0));
  if (!admit) return b.io.reply(caller, { status: 503, body: 'destination circuit breaker open' });
  const id = b.io.forward(caller, b.destination, { timeoutMs: SETUP_TIMEOUT_MS, message: { type: 'setup' }, reply: routeReply });
  if (b.state === 'half-open') b.probes = [...b.probes, id];
}

/** The caller has its answer already (io.forward); the breaker counts it. */
function answer(b: Breaker, e: ResponseEvent | TimeoutEvent): void {
  const probe = b.probes.includes(e.requestId);
  if (probe) b.probes = b.probes.filter((id) => id !== e.requestId);
  if (answeredOk(e)) {
    if (probe || b.state === 'closed') b.state = 'closed';
    b.failures = 0;
    return;
  }
  b.failures++;
  if (probe || (b.state === 'closed' && b.failures >= FAILURES_TO_OPEN)) {
    if (b.state !== 'open') b.io.note(`breaker open (${probe ? 'probe failed' : `${b.failures} failures`})`);
    b.state = 'open';
    b.openedAtMs = b.io.nowMs();
  }
}

export const circuitBreaker = setup({
  types: {
    input: {} as BreakerFlags & { io: NodeIO; destination: string },
    context: {} as BreakerContext,
    events: {} as BreakerEvent,
  },
  actions: {
    route: ({ context, event }) => route(context as Breaker, event as IncomingRequest),
    answer: ({ context, event }) => answer(context as Breaker, event as ResponseEvent | TimeoutEvent),
  },
}).createMachine({
  id: 'circuit-breaker',
  context: ({ input }) => ({ ...input, state: 'closed', failures: 0, openedAtMs: 0, probes: [] }),
  on: { route: { actions: 'route' }, 'setup.response': { actions: 'answer' }, 'setup.timeout': { actions: 'answer' } },
});
