/**
 * The API front end: Envoy before the tunnel control plane. It forwards every
 * request upstream and relays the answer; when the upstream does not accept
 * within UPSTREAM_TIMEOUT_MS it answers 503 with Envoy's words. Its own blips
 * (503s, resets) are the kernel's `http-error` fault on this node.
 */
import { assign, setup } from 'xstate';
import { INJECTED_ERROR_BODY, isAnswer, type IncomingRequest, type NodeIO } from 'chaos-testbed';
import { UPSTREAM_TIMEOUT_MS } from './timing.ts';

type Answer = { readonly type: string; readonly requestId: string; readonly status?: number; readonly body?: unknown };

export const envoy = setup({
  types: {
    input: {} as { io: NodeIO; upstream: string },
    context: {} as { io: NodeIO; upstream: string; forwarded: Readonly<Record<string, IncomingRequest>> },
    events: {} as IncomingRequest | Answer,
  },
  actions: {
    route: assign(({ context, event }) => {
      const answer = event as Answer;
      if (isAnswer(answer)) {
        const { [answer.requestId]: original, ...rest } = context.forwarded;
        if (original === undefined) return {};
        const timedOut = answer.type.endsWith('.timeout');
        context.io.reply(original, timedOut ? { status: 503, body: INJECTED_ERROR_BODY } : { status: answer.status!, body: (answer.body ?? null) as never });
        return { forwarded: rest };
      }
      const { from: _from, requestId: _id, ...message } = event as IncomingRequest;
      const upstreamId = context.io.request(context.upstream, message, { timeoutMs: UPSTREAM_TIMEOUT_MS });
      return { forwarded: { ...context.forwarded, [upstreamId]: event as IncomingRequest } };
    }),
  },
}).createMachine({
  id: 'envoy',
  context: ({ input }) => ({ ...input, forwarded: {} }),
  on: { '*': { actions: 'route' } },
});
