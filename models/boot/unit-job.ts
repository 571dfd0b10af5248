/**
 * A unit's start command (`ExecStart` of a oneshot `deploy-*` unit): deploy a
 * stack (again after a pause, if the deploy fails), then, if the unit has a
 * health gate (`warm_reconcile.py`'s `wait_healthy`), poll a hostname through
 * Traefik until it answers 200. The service manager starts it, kills it at
 * `TimeoutStartSec`, and stops it (which removes the stack, as `ExecStop`
 * does). Answers to requests made before a stop are recognised by their
 * request id and ignored.
 */
import { assign, setup } from 'xstate';
import type { NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';
import { DEPLOY_REQUEST_TIMEOUT_MS, DEPLOY_RETRY_MS, HEALTH_POLL_MS, HEALTH_REQUEST_TIMEOUT_MS } from './timing.ts';
import type { UnitSpec } from './units.ts';

export interface UnitJobInput {
  readonly io: NodeIO;
  readonly unit: UnitSpec;
  /** The service manager's node. */
  readonly manager: string;
  /** The swarm's node (the docker socket). */
  readonly swarm: string;
  /** Traefik's node, where the health gate's requests go. */
  readonly traefik: string;
}

type UnitJobEvent =
  | { readonly type: 'start' | 'kill' | 'stop' }
  | ResponseEvent<'deploy'>
  | TimeoutEvent<'deploy'>
  | ResponseEvent<'http-get'>
  | TimeoutEvent<'http-get'>
  | ResponseEvent<'remove'>
  | TimeoutEvent<'remove'>;

interface UnitJobContext extends UnitJobInput {
  /** Health probes that did not answer 200 in this start. */
  readonly failedProbes: number;
  /** The request this job waits on; answers to older ones (before a stop) are stale. */
  readonly awaiting: string;
}

export const unitJob = setup({
  types: { input: {} as UnitJobInput, context: {} as UnitJobContext, events: {} as UnitJobEvent },
  delays: { HEALTH_POLL: HEALTH_POLL_MS, DEPLOY_RETRY: DEPLOY_RETRY_MS },
  guards: {
    current: ({ context, event }) => 'requestId' in event && event.requestId === context.awaiting,
    ok: ({ context, event }) => 'status' in event && event.status === 200 && event.requestId === context.awaiting,
    okWithGate: ({ context, event }) => 'status' in event && event.status === 200 && event.requestId === context.awaiting && context.unit.healthHost !== null,
  },
  actions: {
    deploy: assign({
      awaiting: ({ context }) => context.io.request(context.swarm, { type: 'deploy', stack: context.unit.deploys }, { timeoutMs: DEPLOY_REQUEST_TIMEOUT_MS }),
    }),
    probe: assign({
      awaiting: ({ context }) => context.io.request(context.traefik, { type: 'http-get', host: context.unit.healthHost }, { timeoutMs: HEALTH_REQUEST_TIMEOUT_MS }),
    }),
    countFailedProbe: assign({ failedProbes: ({ context }) => context.failedProbes + 1 }),
    resetProbes: assign({ failedProbes: 0 }),
    remove: assign({
      awaiting: ({ context }) => context.io.request(context.swarm, { type: 'remove', stack: context.unit.deploys }, { timeoutMs: DEPLOY_REQUEST_TIMEOUT_MS }),
    }),
    reportActive: ({ context }) => context.io.send(context.manager, { type: 'unit.active' }),
  },
}).createMachine({
  id: 'unit-job',
  context: ({ input }) => ({ ...input, failedProbes: 0, awaiting: '' }),
  initial: 'inactive',
  on: {
    // ExecStop removes the stack, whatever the job was doing.
    stop: { target: '.stopping' },
  },
  states: {
    inactive: { on: { start: 'activating' } },
    activating: {
      initial: 'deploying',
      entry: 'resetProbes',
      on: { kill: '#unit-job.failed' },
      states: {
        deploying: {
          entry: 'deploy',
          on: {
            'deploy.response': [
              { guard: { type: 'okWithGate' }, target: 'gate' },
              { guard: 'ok', target: '#unit-job.active' },
              { guard: 'current', target: 'retrying' },
            ],
            'deploy.timeout': { guard: 'current', target: 'retrying' },
          },
        },
        // A failed deploy is tried again until TimeoutStartSec ends the job.
        retrying: { after: { DEPLOY_RETRY: 'deploying' } },
        gate: {
          initial: 'probing',
          states: {
            probing: {
              entry: 'probe',
              on: {
                'http-get.response': [
                  { guard: 'ok', target: '#unit-job.active' },
                  { guard: 'current', target: 'waiting', actions: 'countFailedProbe' },
                ],
                'http-get.timeout': { guard: 'current', target: 'waiting', actions: 'countFailedProbe' },
              },
            },
            waiting: { after: { HEALTH_POLL: 'probing' } },
          },
        },
      },
    },
    active: { entry: 'reportActive', on: { start: 'active' } },
    failed: { on: { start: 'activating' } },
    stopping: {
      entry: 'remove',
      on: { 'remove.response': { guard: 'current', target: 'inactive' }, 'remove.timeout': { guard: 'current', target: 'inactive' }, start: 'activating' },
    },
  },
});
