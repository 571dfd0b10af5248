/**
 * The edge proxy: serves a hostname through whichever Connector owns its
 * public key's DNS record. Every EDGE_PROBE_MS it resolves the record and
 * dials the owner's agent; it returns 503 when there is no owner or the
 * owner's agent does not answer. `lastStatus` is what a user would see.
 */
import { assign, setup } from 'xstate';
import type { NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';
import { EDGE_PROBE_MS, REQUEST_TIMEOUT_MS } from './timing.ts';

type Owner = { uid: string; name: string; project: string } | null;

type EdgeEvent = ResponseEvent<'resolve', Owner> | TimeoutEvent<'resolve'> | ResponseEvent<'dial'> | TimeoutEvent<'dial'>;

/** The node of a Connector's agent. */
export const agentNode = (connectorName: string): string => `agent-${connectorName}`;

export const edge = setup({
  types: {
    input: {} as { io: NodeIO; api: string; key: string; hostname: string },
    context: {} as { io: NodeIO; api: string; key: string; hostname: string; lastStatus: number; servedBy: string | null },
    events: {} as EdgeEvent,
  },
  delays: { PROBE: EDGE_PROBE_MS },
  actions: {
    resolve: ({ context }) => void context.io.request(context.api, { type: 'resolve', key: context.key }, { timeoutMs: REQUEST_TIMEOUT_MS }),
    dial: ({ event, context }) => {
      const owner = (event as ResponseEvent<'resolve', Owner>).body!;
      context.io.request(agentNode(owner.name), { type: 'dial', hostname: context.hostname }, { timeoutMs: REQUEST_TIMEOUT_MS });
    },
    rememberOwner: assign({ servedBy: ({ event }) => (event as ResponseEvent<'resolve', Owner>).body?.uid ?? null }),
    served: assign({ lastStatus: 200 }),
    failed: assign({ lastStatus: 503 }),
  },
}).createMachine({
  id: 'edge',
  context: ({ input }) => ({ ...input, lastStatus: 0, servedBy: null }),
  initial: 'waiting',
  states: {
    waiting: { after: { PROBE: 'resolving' } },
    resolving: {
      entry: 'resolve',
      on: {
        'resolve.response': [
          { guard: ({ event }) => event.body !== null, target: 'dialing', actions: ['rememberOwner', 'dial'] },
          { target: 'waiting', actions: ['rememberOwner', 'failed'] },
        ],
        'resolve.timeout': { target: 'waiting', actions: 'failed' },
      },
    },
    dialing: {
      on: {
        'dial.response': [{ guard: ({ event }) => event.status === 200, target: 'waiting', actions: 'served' }, { target: 'waiting', actions: 'failed' }],
        'dial.timeout': { target: 'waiting', actions: 'failed' },
      },
    },
  },
});
