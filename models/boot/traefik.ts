/**
 * Traefik, the front end: answers requests for hostnames from its own view of
 * which stacks run, which its docker provider keeps up to date from swarm
 * events (so it can lag the swarm by a message). A hostname answers 200 only
 * when Traefik itself runs (the `proxy` stack) and every backend its route
 * needs is running.
 */
import { assign, setup } from 'xstate';
import type { IncomingRequest, NodeIO } from 'chaos-testbed';
import { ROUTES } from './units.ts';

export type StackState = 'absent' | 'starting' | 'running';

type TraefikEvent =
  | IncomingRequest<{ readonly type: 'http-get'; readonly host: string }>
  | { readonly type: 'stack-state'; readonly stack: string; readonly state: StackState };

export const traefik = setup({
  types: {
    input: {} as { io: NodeIO },
    context: {} as { io: NodeIO; stacks: Readonly<Record<string, StackState>> },
    events: {} as TraefikEvent,
  },
}).createMachine({
  id: 'traefik',
  context: ({ input }) => ({ io: input.io, stacks: {} }),
  initial: 'routing',
  states: {
    routing: {
      on: {
        'stack-state': { actions: assign({ stacks: ({ context, event }) => ({ ...context.stacks, [event.stack]: event.state }) }) },
        'http-get': { actions: ({ context, event }) => context.io.reply(event, answer(context.stacks, event.host)) },
      },
    },
  },
});

/** Traefik's answer for a hostname. */
export function answer(stacks: Readonly<Record<string, StackState>>, host: string): { status: number; body: string } {
  if (stacks.proxy !== 'running') return { status: 503, body: 'connection refused: traefik is not running' };
  const needs = ROUTES[host];
  if (needs === undefined) return { status: 404, body: 'no router for host' };
  const down = needs.filter((s) => stacks[s] !== 'running');
  return down.length === 0 ? { status: 200, body: 'ok' } : { status: 404, body: `no healthy backend: ${down.join(', ')}` };
}
