/**
 * A server that answers every request 200 while it runs (a route's
 * destination, a relay a client holds a session with). Its failures are the
 * kernel's: crashes, partitions, delays.
 */
import { setup } from 'xstate';
import type { IncomingRequest, NodeIO } from 'chaos-testbed';

export const responder = setup({
  types: { input: {} as { io: NodeIO }, context: {} as { io: NodeIO }, events: {} as IncomingRequest },
}).createMachine({
  id: 'responder',
  context: ({ input }) => input,
  on: { '*': { guard: ({ event }) => 'requestId' in event, actions: ({ context, event }) => context.io.reply(event as IncomingRequest, { status: 200 }) } },
});
