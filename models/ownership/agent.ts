/**
 * A Connector's agent (the tunnel CLI): renews the Connector's Lease by
 * heartbeat, serves the tunnel (answers the edge's dials), and runs the
 * runtime watch from the incident's CLI mitigation: it polls the Connector's
 * `IrohDNSPublished` condition and exits the agent on `DeferredToOwner`. An
 * exited agent stays exited; a crash (or a restart fault) brings it back.
 */
import { setup } from 'xstate';
import type { IncomingRequest, NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';
import type { Condition } from './api-server.ts';
import { HEARTBEAT_MS, REQUEST_TIMEOUT_MS, WATCH_POLL_MS } from './timing.ts';

type AgentEvent =
  | ResponseEvent<'heartbeat'>
  | TimeoutEvent<'heartbeat'>
  | ResponseEvent<'get-status', Condition | null>
  | TimeoutEvent<'get-status'>
  | IncomingRequest<{ readonly type: 'dial' }>;

export const agent = setup({
  types: {
    input: {} as { io: NodeIO; uid: string; api: string },
    context: {} as { io: NodeIO; uid: string; api: string },
    events: {} as AgentEvent,
  },
  delays: { HEARTBEAT: HEARTBEAT_MS, WATCH_POLL: WATCH_POLL_MS },
  guards: {
    deferred: ({ event }) => event.type === 'get-status.response' && event.status === 200 && event.body?.reason === 'DeferredToOwner',
  },
  actions: {
    connect: ({ context }) => context.io.send(context.api, { type: 'agent-connected', uid: context.uid }),
    heartbeat: ({ context }) => void context.io.request(context.api, { type: 'heartbeat', uid: context.uid }, { timeoutMs: REQUEST_TIMEOUT_MS }),
    poll: ({ context }) => void context.io.request(context.api, { type: 'get-status', uid: context.uid }, { timeoutMs: REQUEST_TIMEOUT_MS }),
    exit: ({ context, event }) => {
      const owner = event.type === 'get-status.response' ? event.body?.owner : null;
      context.io.note(`runtime watch: DeferredToOwner (owner ${owner?.project}/${owner?.name}, uid ${owner?.uid}); exiting the agent`);
      context.io.send(context.api, { type: 'agent-disconnected', uid: context.uid });
    },
    serve: ({ context, event }) => event.type === 'dial' && context.io.reply(event, { status: 200 }),
    refuse: ({ context, event }) => event.type === 'dial' && context.io.reply(event, { status: 503, body: 'agent not running' }),
  },
}).createMachine({
  id: 'agent',
  context: ({ input }) => input,
  initial: 'serving',
  states: {
    serving: {
      entry: 'connect',
      type: 'parallel',
      on: { dial: { actions: 'serve' } },
      states: {
        lease: {
          initial: 'waiting',
          states: {
            waiting: { after: { HEARTBEAT: 'renewing' } },
            renewing: { entry: 'heartbeat', on: { 'heartbeat.response': 'waiting', 'heartbeat.timeout': 'waiting' } },
          },
        },
        watch: {
          initial: 'waiting',
          states: {
            waiting: { after: { WATCH_POLL: 'polling' } },
            polling: {
              entry: 'poll',
              on: {
                'get-status.response': [{ guard: 'deferred', target: '#agent.exited', actions: 'exit' }, { target: 'waiting' }],
                'get-status.timeout': 'waiting',
              },
            },
          },
        },
      },
    },
    exited: { on: { dial: { actions: 'refuse' } } },
  },
});
