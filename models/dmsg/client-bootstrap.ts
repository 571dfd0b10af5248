/**
 * A dmsg-only service's client bootstrap (3146, 3157): it asks discovery
 * for server entries and opens a session to one of them.
 *
 * Bug flag `fallbackToSeeded`: when discovery yields no entries, the fix
 * falls back to the seeded servers of its configuration; the incident's
 * Serve loop spins forever on "No entries found".
 */
import { assign, setup } from 'xstate';
import type { NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';
import { DIAL_RETRY_MS, DIAL_TIMEOUT_MS, SESSION_PING_DEADLINE_MS, SESSION_PING_MS } from './timing.ts';

export type ClientFlags = { readonly fallbackToSeeded: boolean };

interface ClientContext extends ClientFlags {
  readonly io: NodeIO;
  readonly disc: string;
  readonly seeded: readonly string[];
  readonly candidates: readonly string[];
  readonly attempt: number;
  readonly connectedTo: string | null;
  readonly emptyLookups: number;
}

type ClientEvent = ResponseEvent<'lookup', { entries: string[] } | string> | TimeoutEvent<'lookup'> | ResponseEvent<'dial'> | TimeoutEvent<'dial'> | ResponseEvent<'ping'> | TimeoutEvent<'ping'>;

export const dmsgClient = setup({
  types: {
    input: {} as ClientFlags & { io: NodeIO; disc: string; seeded: readonly string[] },
    context: {} as ClientContext,
    events: {} as ClientEvent,
  },
  delays: { RETRY: DIAL_RETRY_MS, PING: SESSION_PING_MS },
  guards: {
    found: ({ event }) => event.type === 'lookup.response' && event.status === 200 && (event.body as { entries: string[] }).entries.length > 0,
    fallback: ({ context }) => context.fallbackToSeeded && context.seeded.length > 0,
    connected: ({ event }) => event.type === 'dial.response' && event.status === 200,
  },
  actions: {
    lookup: ({ context }) => void context.io.request(context.disc, { type: 'lookup' }, { timeoutMs: DIAL_TIMEOUT_MS }),
    useEntries: assign({ candidates: ({ event }) => (event as ResponseEvent<'lookup', { entries: string[] }>).body.entries, attempt: 0 }),
    useSeeded: assign(({ context }) => {
      context.io.note(`discovery yielded no entries; falling back to ${context.seeded.length} seeded servers`);
      return { candidates: context.seeded, attempt: 0 };
    }),
    noEntries: assign(({ context }) => {
      context.io.note('No entries found');
      return { emptyLookups: context.emptyLookups + 1 };
    }),
    dial: assign(({ context }) => {
      const server = context.candidates[context.attempt % context.candidates.length]!;
      context.io.request(server, { type: 'dial' }, { timeoutMs: DIAL_TIMEOUT_MS });
      return { attempt: context.attempt + 1 };
    }),
    connect: assign({ connectedTo: ({ event }) => (event as ResponseEvent).from }),
    ping: ({ context }) => void context.io.request(context.connectedTo!, { type: 'ping' }, { timeoutMs: SESSION_PING_DEADLINE_MS }),
    lose: assign(({ context }) => {
      context.io.note(`session to ${context.connectedTo} lost; bootstrapping again`);
      return { connectedTo: null };
    }),
  },
}).createMachine({
  id: 'dmsg-client',
  context: ({ input }) => ({ ...input, candidates: [], attempt: 0, connectedTo: null, emptyLookups: 0 }),
  initial: 'discovering',
  states: {
    discovering: {
      entry: 'lookup',
      on: {
        'lookup.response': [{ guard: 'found', target: 'dialing', actions: 'useEntries' }, { guard: 'fallback', target: 'dialing', actions: 'useSeeded' }, { target: 'waiting', actions: 'noEntries' }],
        'lookup.timeout': [{ guard: 'fallback', target: 'dialing', actions: 'useSeeded' }, { target: 'waiting', actions: 'noEntries' }],
      },
    },
    waiting: { after: { RETRY: 'discovering' } },
    dialing: {
      entry: 'dial',
      on: { 'dial.response': [{ guard: 'connected', target: 'connected', actions: 'connect' }, { target: 'redial' }], 'dial.timeout': 'redial' },
    },
    // Every candidate tried once: ask discovery again.
    redial: { always: [{ guard: ({ context }) => context.attempt >= context.candidates.length, target: 'discovering' }], after: { RETRY: 'dialing' } },
    // The session's liveness ping; a lost session means bootstrapping again.
    connected: {
      initial: 'idle',
      states: {
        idle: { after: { PING: 'pinging' } },
        pinging: {
          entry: 'ping',
          on: {
            'ping.response': [{ guard: ({ event }) => event.status === 200, target: 'idle' }, { target: '#dmsg-client.discovering', actions: 'lose' }],
            'ping.timeout': { target: '#dmsg-client.discovering', actions: 'lose' },
          },
        },
      },
    },
  },
});
