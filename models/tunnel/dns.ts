/**
 * The authoritative DNS for tunnel hostnames: one TXT record per hostname
 * naming the listen node that serves it. Publishing is instant here; what is
 * slow is everyone else's cache (see gateway.ts).
 */
import { assign, setup } from 'xstate';
import type { IncomingRequest, NodeIO } from 'chaos-testbed';

type DnsEvent = IncomingRequest<{ readonly type: 'publish'; readonly hostname: string; readonly node: string }> | IncomingRequest<{ readonly type: 'resolve'; readonly hostname: string }>;

export const authoritativeDns = setup({
  types: {
    input: {} as { io: NodeIO },
    context: {} as { io: NodeIO; records: Readonly<Record<string, string>> },
    events: {} as DnsEvent,
  },
}).createMachine({
  id: 'dns',
  context: ({ input }) => ({ io: input.io, records: {} }),
  on: {
    publish: {
      actions: assign(({ context, event }) => {
        context.io.reply(event, { status: 200 });
        return { records: { ...context.records, [event.hostname]: event.node } };
      }),
    },
    resolve: {
      actions: ({ context, event }) => {
        const node = context.records[event.hostname];
        context.io.reply(event, node === undefined ? { status: 404, body: 'NXDOMAIN' } : { status: 200, body: { node } });
      },
    },
  },
});
