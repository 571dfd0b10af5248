/**
 * Someone talking to the workspace: another agent (or an operator running a
 * diagnostic) delegates a message through the control plane every
 * DELEGATION_PERIOD_MS and, DELEGATION_CHECK_MS later, reads its status, as
 * the incident's operator did. What it read is kept in `reports`: a reader
 * takes `completed` (or `processed`) to mean the agent did the work.
 */
import { assign, setup } from 'xstate';
import type { NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';
import type { DelegationStatus } from './control-plane.ts';
import { DELEGATION_CHECK_MS, DELEGATION_PERIOD_MS, REQUEST_TIMEOUT_MS } from './timing.ts';

/** A status the sender read, and when (on its own clock). */
export interface DelegationReport {
  readonly delegationId: string;
  readonly status: DelegationStatus;
  readonly atMs: number;
}

type ClientEvent = ResponseEvent<'delegate'> | TimeoutEvent<'delegate'> | ResponseEvent<'delegation-status', { status: DelegationStatus }> | TimeoutEvent<'delegation-status'>;

export const delegationClient = setup({
  types: {
    input: {} as { io: NodeIO; cp: string; firstAtMs: number },
    context: {} as { io: NodeIO; cp: string; firstAtMs: number; sent: number; reports: readonly DelegationReport[] },
    events: {} as ClientEvent,
  },
  delays: { FIRST: ({ context }) => context.firstAtMs, PERIOD: DELEGATION_PERIOD_MS - DELEGATION_CHECK_MS, CHECK: DELEGATION_CHECK_MS },
  actions: {
    delegate: assign(({ context }) => {
      const delegationId = `msg-${context.sent + 1}`;
      context.io.request(context.cp, { type: 'delegate', delegationId }, { timeoutMs: REQUEST_TIMEOUT_MS });
      return { sent: context.sent + 1 };
    }),
    check: ({ context }) => void context.io.request(context.cp, { type: 'delegation-status', delegationId: `msg-${context.sent}` }, { timeoutMs: REQUEST_TIMEOUT_MS }),
    keep: assign(({ context, event }) => {
      if (event.type !== 'delegation-status.response' || event.status !== 200) return {};
      return { reports: [...context.reports, { delegationId: `msg-${context.sent}`, status: event.body.status, atMs: context.io.nowMs() }] };
    }),
  },
}).createMachine({
  id: 'delegation-client',
  context: ({ input }) => ({ ...input, sent: 0, reports: [] }),
  initial: 'first',
  states: {
    first: { after: { FIRST: 'sending' } },
    sending: { entry: 'delegate', after: { CHECK: 'checking' } },
    checking: {
      entry: 'check',
      on: { 'delegation-status.response': { target: 'idle', actions: 'keep' }, 'delegation-status.timeout': 'idle' },
    },
    idle: { after: { PERIOD: 'sending' } },
  },
});
