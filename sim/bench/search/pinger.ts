/**
 * A node that pings a peer every 2 s: traffic for the decoy link faults
 * of the synthetic bugs to act on, so they fire and are effective while the
 * bug stays out of their reach.
 */
import { setup } from 'xstate';
import type { NodeIO } from 'chaos-testbed';

/** One ping every 2 s: the shortest decoy link fault (100 ms) may miss it, most will not, and a run stays a few hundred events. */
const PING_EVERY_MS = 2_000;

export const pinger = setup({
  types: { input: {} as { readonly io: NodeIO; readonly peer: string }, context: {} as { readonly io: NodeIO; readonly peer: string }, events: {} as { readonly type: string } },
  delays: { PING: PING_EVERY_MS },
}).createMachine({
  id: 'pinger',
  context: ({ input }) => input,
  initial: 'waiting',
  states: {
    waiting: { after: { PING: { target: 'waiting', reenter: true, actions: ({ context }) => context.io.send(context.peer, { type: 'ping' }) } } },
  },
});

/** A node that does nothing: a target for decoy crashes and pauses that nothing depends on. */
export const idle = setup({ types: { input: {} as { readonly io: NodeIO }, context: {} as { readonly io: NodeIO } } }).createMachine({
  id: 'idle',
  context: ({ input }) => input,
  initial: 'running',
  states: { running: {} },
});
