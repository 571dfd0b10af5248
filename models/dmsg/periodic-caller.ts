/**
 * A caller that sends one request of `message.type` to `target` every
 * `periodMs` (first at `phaseMs`), and counts the answers: the users of a
 * route, a UI retrying a connect, a client relaying traffic.
 */
import { assign, setup } from 'xstate';
import type { NodeIO, ResponseEvent, TimeoutEvent } from '../../sim/index.ts';

export const periodicCaller = setup({
  types: {
    input: {} as { io: NodeIO; target: string; message: { readonly type: string }; periodMs: number; phaseMs: number; timeoutMs: number },
    context: {} as { io: NodeIO; target: string; message: { readonly type: string }; periodMs: number; phaseMs: number; timeoutMs: number; ok: number; failed: number },
    events: {} as ResponseEvent | TimeoutEvent,
  },
  delays: { PHASE: ({ context }) => context.phaseMs, PERIOD: ({ context }) => context.periodMs },
  actions: {
    call: ({ context }) => void context.io.request(context.target, context.message, { timeoutMs: context.timeoutMs }),
    count: assign(({ context, event }) => ('status' in event && event.status >= 200 && event.status < 300 ? { ok: context.ok + 1 } : { failed: context.failed + 1 })),
  },
}).createMachine({
  id: 'periodic-caller',
  context: ({ input }) => ({ ...input, ok: 0, failed: 0 }),
  initial: 'first',
  on: { '*': { guard: ({ event }) => event.type.endsWith('.response') || event.type.endsWith('.timeout'), actions: 'count' } },
  states: {
    first: { after: { PHASE: 'calling' } },
    calling: { entry: 'call', after: { PERIOD: { target: 'calling', reenter: true } } },
  },
});
