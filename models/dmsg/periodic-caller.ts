/**
 * A caller that sends one request of `message.type` to `target` every
 * `periodMs` (first at `phaseMs`): the users of a route, a client relaying
 * traffic. What the answers were is the server's side of the story, which
 * the invariants read; the caller only keeps calling.
 */
import { setup } from 'xstate';
import type { NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';

export const periodicCaller = setup({
  types: {
    input: {} as { io: NodeIO; target: string; message: { readonly type: string }; periodMs: number; phaseMs: number; timeoutMs: number },
    context: {} as { io: NodeIO; target: string; message: { readonly type: string }; periodMs: number; phaseMs: number; timeoutMs: number },
    events: {} as ResponseEvent | TimeoutEvent,
  },
  delays: { PHASE: ({ context }) => context.phaseMs, PERIOD: ({ context }) => context.periodMs },
  actions: {
    call: ({ context }) => void context.io.request(context.target, context.message, { timeoutMs: context.timeoutMs }),
  },
}).createMachine({
  id: 'periodic-caller',
  context: ({ input }) => input,
  initial: 'first',
  states: {
    first: { after: { PHASE: 'calling' } },
    calling: { entry: 'call', after: { PERIOD: { target: 'calling', reenter: true } } },
  },
});
