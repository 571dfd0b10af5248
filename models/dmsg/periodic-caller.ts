/**
 * A caller that sends one request of `message.type` to `target` every
 * `periodMs` (first at `phaseMs`): the users of a route, a client relaying
 * traffic. What the answers were is the server's side of the story, which
 * the invariants read; the caller only keeps calling.
 */
import { raise, setup } from 'xstate';
import type { NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';

export const periodicCaller = setup({
  types: {
    input: {} as { io: NodeIO; target: string; message: { readonly type: string }; periodMs: number; phaseMs: number; timeoutMs: number },
    context: {} as { io: NodeIO; target: string; message: { readonly type: string }; periodMs: number; phaseMs: number; timeoutMs: number },
    events: {} as ResponseEvent | TimeoutEvent | { readonly type: 'period' },
  },
  delays: { PHASE: ({ context }) => context.phaseMs, PERIOD: ({ context }) => context.periodMs },
  actions: {
    call: ({ context }) => void context.io.request(context.target, context.message, { timeoutMs: context.timeoutMs }),
    armPeriod: raise({ type: 'period' }, { delay: 'PERIOD', id: 'period' }),
  },
}).createMachine({
  id: 'periodic-caller',
  context: ({ input }) => input,
  initial: 'first',
  states: {
    first: { after: { PHASE: 'calling' } },
    // Each call arms the next period after it, as `after` on a re-entered `calling` would, without
    // exiting and entering the state at every period (the kernel queues the same entries in the same order).
    calling: { entry: ['call', 'armPeriod'], on: { period: { actions: ['call', 'armPeriod'] } } },
  },
});
