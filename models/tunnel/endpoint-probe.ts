/**
 * The endpoint path of a tunnel, for `tunnel/endpoint-normalization`: the
 * user's local service (`origin`), the control plane that stores the
 * endpoint in canonical form and probes it through the tunnel, and the CLI's
 * verify phase, which probes the public side (through the tunnel) and the
 * local side (straight at the origin) once a second.
 *
 * Bug flag `normalizeLocally`: the incident's CLI hands the endpoint string
 * as typed to its HTTP client (a bare `127.0.0.1:11434` is a "builder
 * error", reported as "origin not reachable" forever) and displays it as
 * typed; the fix canonicalizes it first, rejects a bad one at once with the
 * reason, and displays the canonical form.
 */
import { assign, setup } from 'xstate';
import type { IncomingRequest, NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';
import { buildRequestUrl, normalizeEndpoint } from './endpoint.ts';
import { REQUEST_TIMEOUT_MS } from './timing.ts';

/** Verify rounds before the CLI gives up (one a second). Assumed: 10. */
export const VERIFY_ROUNDS = 10;
const VERIFY_ROUND_MS = 1_000;

/** The user's service: answers at the address it listens on, refuses anything else. */
export const origin = setup({
  types: {
    context: {} as { io: NodeIO; listening: string | null },
    input: {} as { io: NodeIO },
    events: {} as { type: 'listen'; url: string } | IncomingRequest<{ readonly type: 'connect'; readonly url: string }>,
  },
}).createMachine({
  context: ({ input }) => ({ io: input.io, listening: null }),
  on: {
    listen: { actions: assign({ listening: ({ event }) => (event as { url: string }).url }) },
    connect: {
      actions: ({ context, event }) => context.io.reply(event as IncomingRequest, (event as { url: string }).url === context.listening ? { status: 200 } : { status: 502, body: 'connection refused' }),
    },
  },
});

/** The control plane's side: store the endpoint canonically; probe it through the tunnel. */
export const endpointApi = setup({
  types: {
    context: {} as { io: NodeIO; origin: string; stored: string | null; probes: Readonly<Record<string, IncomingRequest>> },
    input: {} as { io: NodeIO; origin: string },
    events: {} as
      | IncomingRequest<{ readonly type: 'create'; readonly endpoint: string }>
      | IncomingRequest<{ readonly type: 'proxy-probe' }>
      | ResponseEvent<'connect'>
      | TimeoutEvent<'connect'>,
  },
  actions: {
    relay: assign(({ context, event }) => {
      const e = event as ResponseEvent | TimeoutEvent;
      const { [e.requestId]: probe, ...rest } = context.probes;
      if (probe !== undefined) context.io.reply(probe, 'status' in e ? { status: e.status } : { status: 504, body: 'timeout' });
      return { probes: rest };
    }),
  },
}).createMachine({
  context: ({ input }) => ({ ...input, stored: null, probes: {} }),
  on: {
    create: {
      actions: assign(({ context, event }) => {
        const normalized = normalizeEndpoint(event.endpoint);
        if (!normalized.ok) {
          context.io.reply(event, { status: 400, body: `invalid endpoint: ${normalized.error}` });
          return {};
        }
        context.io.reply(event, { status: 201, body: { stored: normalized.url } });
        return { stored: normalized.url };
      }),
    },
    'proxy-probe': {
      actions: assign(({ context, event }) => {
        const id = context.io.request(context.origin, { type: 'connect', url: context.stored }, { timeoutMs: REQUEST_TIMEOUT_MS });
        return { probes: { ...context.probes, [id]: event as IncomingRequest } };
      }),
    },
    'connect.response': { actions: 'relay' },
    'connect.timeout': { actions: 'relay' },
  },
});

/** One verify round as the CLI printed it. */
export interface VerifyRound {
  readonly proxyOk: boolean;
  /** `null` when the local probe reached the origin, else what it reported. */
  readonly localError: string | null;
  /** The endpoint as displayed in the round's lines. */
  readonly displayed: string;
}

interface EndpointCliContext {
  readonly io: NodeIO;
  readonly api: string;
  readonly origin: string;
  readonly normalizeLocally: boolean;
  readonly input: string | null;
  readonly displayed: string | null;
  readonly target: string | null;
  readonly proxyOk: boolean | null;
  readonly localError: string | null | undefined;
  readonly rounds: readonly VerifyRound[];
  readonly exit: { readonly code: number; readonly message: string; readonly atMs: number } | null;
}

type EndpointCliEvent =
  | { readonly type: 'run'; readonly endpoint: string }
  | ResponseEvent<'create', { stored: string } | string>
  | TimeoutEvent<'create'>
  | ResponseEvent<'proxy-probe'>
  | TimeoutEvent<'proxy-probe'>
  | ResponseEvent<'connect'>
  | TimeoutEvent<'connect'>;

export const endpointCli = setup({
  types: {
    context: {} as EndpointCliContext,
    input: {} as { io: NodeIO; api: string; origin: string; normalizeLocally: boolean },
    events: {} as EndpointCliEvent,
  },
  delays: { ROUND: VERIFY_ROUND_MS },
  guards: {
    invalidLocally: ({ context, event }) => context.normalizeLocally && event.type === 'run' && !normalizeEndpoint(event.endpoint).ok,
    created: ({ event }) => event.type === 'create.response' && event.status === 201,
    roundDone: ({ context }) => context.proxyOk !== null && context.localError !== undefined,
    verified: ({ context }) => context.proxyOk === true && context.localError === null,
    outOfRounds: ({ context }) => context.rounds.length >= VERIFY_ROUNDS,
  },
  actions: {
    rejectLocally: assign(({ context, event }) => {
      const endpoint = (event as { endpoint: string }).endpoint;
      const error = (normalizeEndpoint(endpoint) as { error: string }).error;
      return { input: endpoint, exit: { code: 2, message: `invalid --endpoint '${endpoint}': ${error}`, atMs: context.io.nowMs() } };
    }),
    create: assign(({ context, event }) => {
      const endpoint = (event as { endpoint: string }).endpoint;
      const normalized = normalizeEndpoint(endpoint);
      const target = context.normalizeLocally && normalized.ok ? normalized.url : endpoint;
      context.io.request(context.api, { type: 'create', endpoint: target }, { timeoutMs: REQUEST_TIMEOUT_MS });
      return { input: endpoint, target, displayed: target };
    }),
    createFailed: assign(({ context, event }) => {
      const reason = event.type === 'create.response' ? String(event.body) : 'no answer from the control plane';
      return { exit: { code: 1, message: `tunnel setup failed: ${reason}`, atMs: context.io.nowMs() } };
    }),
    probe: assign(({ context }) => {
      context.io.request(context.api, { type: 'proxy-probe' }, { timeoutMs: REQUEST_TIMEOUT_MS });
      const local = buildRequestUrl(context.target!);
      if (local.ok) context.io.request(context.origin, { type: 'connect', url: local.url }, { timeoutMs: REQUEST_TIMEOUT_MS });
      return { proxyOk: null, localError: local.ok ? undefined : local.error };
    }),
    proxyAnswer: assign({ proxyOk: ({ event }) => event.type === 'proxy-probe.response' && event.status === 200 }),
    localAnswer: assign({ localError: ({ event }) => (event.type === 'connect.response' && event.status === 200 ? null : 'connection refused') }),
    printRound: assign(({ context }) => {
      const seconds = context.rounds.length;
      context.io.note(context.proxyOk ? '✓ proxy responding' : `… proxy not responding (${seconds}s)`);
      context.io.note(context.localError === null ? `✓ origin reachable [${context.displayed}]` : `… origin not reachable (${seconds}s) [${context.displayed}]: ${context.localError}`);
      return { rounds: [...context.rounds, { proxyOk: context.proxyOk!, localError: context.localError ?? null, displayed: context.displayed! }] };
    }),
    succeed: assign(({ context }) => ({ exit: { code: 0, message: `ready: ${context.displayed}`, atMs: context.io.nowMs() } })),
    giveUp: assign(({ context }) => ({ exit: { code: 1, message: `origin not reachable after ${VERIFY_ROUNDS} s [${context.displayed}]`, atMs: context.io.nowMs() } })),
  },
}).createMachine({
  id: 'endpoint-cli',
  context: ({ input }) => ({ ...input, input: null, displayed: null, target: null, proxyOk: null, localError: undefined, rounds: [], exit: null }),
  initial: 'idle',
  states: {
    idle: { on: { run: [{ guard: 'invalidLocally', target: 'done', actions: 'rejectLocally' }, { target: 'creating', actions: 'create' }] } },
    creating: { on: { 'create.response': [{ guard: 'created', target: 'probing' }, { target: 'done', actions: 'createFailed' }], 'create.timeout': { target: 'done', actions: 'createFailed' } } },
    probing: {
      entry: 'probe',
      always: { guard: 'roundDone', target: 'roundOver' },
      on: { 'proxy-probe.response': { actions: 'proxyAnswer' }, 'proxy-probe.timeout': { actions: 'proxyAnswer' }, 'connect.response': { actions: 'localAnswer' }, 'connect.timeout': { actions: 'localAnswer' } },
    },
    roundOver: {
      entry: 'printRound',
      always: [{ guard: 'verified', target: 'done', actions: 'succeed' }, { guard: 'outOfRounds', target: 'done', actions: 'giveUp' }],
      after: { ROUND: 'probing' },
    },
    done: {},
  },
});
