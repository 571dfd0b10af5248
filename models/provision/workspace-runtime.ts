/**
 * The workspace runtime on a box (one EC2 slot). Powered on by the cloud, it
 * boots, registers with the control plane (presenting the token it has
 * persisted, if any), persists the token it gets (`.auth_token`), and
 * heartbeats with it. Its ingress answers the canary and takes delegated
 * messages (`a2a_receive`); the agent processes a message only with a live
 * token, since posting the result needs one.
 *
 * Bug flag `retryRegister401`: the incident's runtime treats a register 401
 * as a client error and never retries ("Register: HTTP 401 ... proceeding
 * (heartbeat backfill is the recovery path)"), though heartbeats need the
 * token too; the fix retries with exponential backoff.
 *
 * A crash here is the runtime container restarting: it keeps its disk, asks
 * the cloud whether its instance still runs (a terminated one is gone), and
 * registers again.
 */
import { and, assign, not, setup } from 'xstate';
import type { IncomingRequest, NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';
import { HEARTBEAT_MS, REGISTER_BACKOFF_CAP_MS, REGISTER_BACKOFF_FIRST_MS, REQUEST_TIMEOUT_MS } from './timing.ts';

export type RuntimeFlags = {
  /** Retry a register 401 with backoff (fixed) or give up for good (the incident). */
  readonly retryRegister401: boolean;
};

interface RuntimeContext extends RuntimeFlags {
  readonly io: NodeIO;
  readonly cp: string;
  readonly cloud: string;
  readonly instanceId: string | null;
  readonly token: string | null;
  readonly bootMs: number;
  /** Register attempts since the last success, for the backoff. */
  readonly attempts: number;
}

type RuntimeEvent =
  | { readonly type: 'power-on'; readonly instanceId: string; readonly bootMs: number }
  | { readonly type: 'power-off'; readonly instanceId: string }
  | ResponseEvent<'instance-status', { state: string }>
  | TimeoutEvent<'instance-status'>
  | ResponseEvent<'register', { token: string } | string>
  | TimeoutEvent<'register'>
  | ResponseEvent<'heartbeat'>
  | TimeoutEvent<'heartbeat'>
  | ResponseEvent<'result'>
  | TimeoutEvent<'result'>
  | IncomingRequest<{ readonly type: 'canary' }>
  | IncomingRequest<{ readonly type: 'deliver'; readonly delegationId: string }>;

const DURABLE_INSTANCE = 'instance-id';
const DURABLE_TOKEN = 'auth-token';

export const workspaceRuntime = setup({
  types: {
    input: {} as RuntimeFlags & { io: NodeIO; cp: string; cloud: string },
    context: {} as RuntimeContext,
    events: {} as RuntimeEvent,
  },
  delays: {
    BOOT: ({ context }) => context.bootMs,
    HEARTBEAT: HEARTBEAT_MS,
    BACKOFF: ({ context }) => Math.min(REGISTER_BACKOFF_CAP_MS, REGISTER_BACKOFF_FIRST_MS * 2 ** Math.max(0, context.attempts - 1)),
    RECHECK: REGISTER_BACKOFF_FIRST_MS,
  },
  guards: {
    hasInstance: ({ context }) => context.instanceId !== null,
    stillRunning: ({ event }) => event.type === 'instance-status.response' && event.status === 200 && (event.body.state === 'running' || event.body.state === 'pending'),
    registered: ({ event }) => event.type === 'register.response' && event.status === 200,
    unauthorized: ({ event }) => 'status' in event && event.status === 401,
    retry401: ({ context }) => context.retryRegister401,
  },
  actions: {
    powerOn: assign(({ context, event }) => {
      if (event.type !== 'power-on') return {};
      context.io.durable.delete(DURABLE_TOKEN);
      context.io.durable.set(DURABLE_INSTANCE, event.instanceId);
      return { instanceId: event.instanceId, token: null, bootMs: event.bootMs, attempts: 0 };
    }),
    wipe: assign(({ context }) => {
      context.io.durable.delete(DURABLE_INSTANCE);
      context.io.durable.delete(DURABLE_TOKEN);
      return { instanceId: null, token: null };
    }),
    checkInstance: ({ context }) => void context.io.request(context.cloud, { type: 'instance-status', instanceId: context.instanceId }, { timeoutMs: REQUEST_TIMEOUT_MS }),
    register: assign(({ context }) => {
      context.io.request(context.cp, { type: 'register', instanceId: context.instanceId, token: context.token }, { timeoutMs: REQUEST_TIMEOUT_MS });
      return { attempts: context.attempts + 1 };
    }),
    persistToken: assign(({ context, event }) => {
      const token = (event as ResponseEvent<'register', { token: string }>).body.token;
      context.io.durable.set(DURABLE_TOKEN, token);
      return { token, attempts: 0 };
    }),
    giveUp: ({ context, event }) => context.io.note(`Register: HTTP ${'status' in event ? event.status : '?'} (client error, not retrying); proceeding (heartbeat backfill is the recovery path)`),
    heartbeat: ({ context }) => void context.io.request(context.cp, { type: 'heartbeat', instanceId: context.instanceId, token: context.token }, { timeoutMs: REQUEST_TIMEOUT_MS }),
    answerCanary: ({ context, event }) => event.type === 'canary' && context.io.reply(event, { status: 200 }),
    receive: ({ context, event }) => event.type === 'deliver' && context.io.reply(event, { status: 202 }),
    process: ({ context, event }) => {
      if (event.type !== 'deliver') return;
      context.io.request(context.cp, { type: 'result', delegationId: event.delegationId, instanceId: context.instanceId, token: context.token }, { timeoutMs: REQUEST_TIMEOUT_MS });
    },
  },
}).createMachine({
  id: 'workspace-runtime',
  context: ({ input }) => ({
    io: input.io,
    cp: input.cp,
    cloud: input.cloud,
    retryRegister401: input.retryRegister401,
    instanceId: input.io.durable.get<string>(DURABLE_INSTANCE) ?? null,
    token: input.io.durable.get<string>(DURABLE_TOKEN) ?? null,
    bootMs: 0,
    attempts: 0,
  }),
  initial: 'starting',
  on: { 'power-off': { target: '.off', actions: 'wipe' } },
  states: {
    starting: { always: [{ guard: 'hasInstance', target: 'checking' }, { target: 'off' }] },
    off: { on: { 'power-on': { target: 'booting', actions: 'powerOn' } } },
    booting: { after: { BOOT: 'up' } },
    // A restarted container: is the instance it ran on still there?
    checking: {
      entry: 'checkInstance',
      on: {
        'instance-status.response': [{ guard: 'stillRunning', target: 'up' }, { target: 'off', actions: 'wipe' }],
        'instance-status.timeout': 'recheck',
      },
    },
    recheck: { after: { RECHECK: 'checking' } },
    up: {
      on: {
        canary: { actions: 'answerCanary' },
        deliver: [{ guard: ({ context }) => context.token !== null, actions: ['receive', 'process'] }, { actions: 'receive' }],
      },
      initial: 'registering',
      states: {
        registering: {
          entry: 'register',
          on: {
            'register.response': [
              { guard: 'registered', target: 'registered', actions: 'persistToken' },
              { guard: and(['unauthorized', not('retry401')]), target: 'gaveUp', actions: 'giveUp' },
              { target: 'backoff' },
            ],
            'register.timeout': 'backoff',
          },
        },
        backoff: { after: { BACKOFF: 'registering' } },
        registered: {
          initial: 'waiting',
          states: {
            waiting: { after: { HEARTBEAT: 'beating' } },
            beating: {
              entry: 'heartbeat',
              on: {
                // A revoked token: register again, presenting it.
                'heartbeat.response': [{ guard: 'unauthorized', target: '#workspace-runtime.up.registering' }, { target: 'waiting' }],
                'heartbeat.timeout': 'waiting',
              },
            },
          },
        },
        // The incident's runtime after a register 401: it carries on heartbeating
        // without a token, which can never succeed.
        gaveUp: {
          initial: 'waiting',
          states: {
            waiting: { after: { HEARTBEAT: 'beating' } },
            beating: { entry: 'heartbeat', on: { 'heartbeat.response': 'waiting', 'heartbeat.timeout': 'waiting' } },
          },
        },
      },
    },
  },
});
