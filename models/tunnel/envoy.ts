/**
 * The API front end: Envoy before the tunnel control plane. It forwards every
 * request upstream and relays the answer; when the upstream does not accept
 * within UPSTREAM_TIMEOUT_MS it answers 503 with Envoy's words. Its own blips
 * (503s, resets) are the kernel's `http-error` fault on this node.
 */
import { setup } from 'xstate';
import { INJECTED_ERROR_BODY, isAnswer, type IncomingRequest, type NodeIO, type ResponseEvent, type TimeoutEvent } from 'chaos-testbed';
import { UPSTREAM_TIMEOUT_MS } from './timing.ts';

/** What Envoy answers for an upstream answer: the response as it came, or its 503 when none came. */
const relay = (answer: ResponseEvent | TimeoutEvent) => ('status' in answer ? { status: answer.status, body: answer.body } : { status: 503, body: INJECTED_ERROR_BODY });

export const envoy = setup({
  types: {
    input: {} as { io: NodeIO; upstream: string },
    context: {} as { io: NodeIO; upstream: string },
    events: {} as IncomingRequest | ResponseEvent | TimeoutEvent,
  },
  guards: { isRequest: ({ event }) => !isAnswer(event) },
}).createMachine({
  id: 'envoy',
  context: ({ input }) => input,
  on: { '*': { guard: 'isRequest', actions: ({ context, event }) => void context.io.forward(event as IncomingRequest, context.upstream, { timeoutMs: UPSTREAM_TIMEOUT_MS, reply: relay }) } },
});
