/**
 * Docker swarm on the host: stacks are deployed and removed on request and
 * come up after a start latency; every change of a stack's state is sent to
 * Traefik (its docker provider watches swarm events). Deployed stacks are
 * swarm state, so they survive a restart of the daemon (and come up again
 * after their start latency).
 *
 * A `stall` (the scenario's `slow-start` fault: an image pull that hangs)
 * holds a stack's start until a given time.
 */
import { enqueueActions, setup } from 'xstate';
import type { IncomingRequest, NodeIO } from 'chaos-testbed';
import { STACK_START_MS } from './timing.ts';
import type { StackState } from './traefik.ts';

export type SwarmEvent =
  | IncomingRequest<{ readonly type: 'deploy'; readonly stack: string }>
  | IncomingRequest<{ readonly type: 'remove'; readonly stack: string }>
  | { readonly type: 'stack-up'; readonly stack: string }
  | { readonly type: 'stall'; readonly stack: string; readonly untilMs: number };

interface SwarmContext {
  readonly io: NodeIO;
  /** Traefik's node, told of every stack state change. */
  readonly traefik: string;
  readonly stacks: Readonly<Record<string, StackState>>;
  /** Local time until which each stack's start is held. */
  readonly stalledUntil: Readonly<Record<string, number>>;
}

const DEPLOYED_KEY = 'deployed-stacks';

/** How long until a stack that starts now is up. */
function startDelayMs(context: SwarmContext, stack: string): number {
  const held = Math.max(0, (context.stalledUntil[stack] ?? 0) - context.io.nowMs());
  return held + (STACK_START_MS[stack] ?? 5_000);
}

/** Records a stack's new state on disk and tells Traefik. */
function changed(context: SwarmContext, stacks: Readonly<Record<string, StackState>>, stack: string): void {
  context.io.durable.set(DEPLOYED_KEY, Object.keys(stacks).filter((s) => stacks[s] !== 'absent'));
  context.io.send(context.traefik, { type: 'stack-state', stack, state: stacks[stack] ?? 'absent' });
}

export const swarm = setup({
  types: {
    input: {} as { io: NodeIO; traefik: string },
    context: {} as SwarmContext,
    events: {} as SwarmEvent,
  },
}).createMachine({
  id: 'swarm',
  context: ({ input }) => {
    const deployed = input.io.durable.get<string[]>(DEPLOYED_KEY) ?? [];
    return { ...input, stacks: Object.fromEntries(deployed.map((s) => [s, 'starting' as StackState])), stalledUntil: {} };
  },
  initial: 'serving',
  states: {
    serving: {
      // Stacks deployed before a restart start again.
      entry: enqueueActions(({ context, enqueue }) => {
        for (const stack of Object.keys(context.stacks)) {
          enqueue(() => changed(context, context.stacks, stack));
          enqueue.raise({ type: 'stack-up', stack }, { id: `up:${stack}`, delay: startDelayMs(context, stack) });
        }
      }),
      on: {
        deploy: {
          actions: enqueueActions(({ context, event, enqueue }) => {
            if ((context.stacks[event.stack] ?? 'absent') === 'absent') {
              const stacks = { ...context.stacks, [event.stack]: 'starting' as StackState };
              enqueue.assign({ stacks });
              enqueue(() => changed(context, stacks, event.stack));
              enqueue.raise({ type: 'stack-up', stack: event.stack }, { id: `up:${event.stack}`, delay: startDelayMs(context, event.stack) });
            }
            enqueue(() => context.io.reply(event, { status: 200 }));
          }),
        },
        remove: {
          actions: enqueueActions(({ context, event, enqueue }) => {
            const stacks = { ...context.stacks, [event.stack]: 'absent' as StackState };
            enqueue.cancel(`up:${event.stack}`);
            enqueue.assign({ stacks });
            enqueue(() => changed(context, stacks, event.stack));
            enqueue(() => context.io.reply(event, { status: 200 }));
          }),
        },
        'stack-up': {
          actions: enqueueActions(({ context, event, enqueue }) => {
            if (context.stacks[event.stack] !== 'starting') return;
            const stacks = { ...context.stacks, [event.stack]: 'running' as StackState };
            enqueue.assign({ stacks });
            enqueue(() => changed(context, stacks, event.stack));
          }),
        },
        stall: {
          actions: enqueueActions(({ context, event, enqueue }) => {
            const stalledUntil = { ...context.stalledUntil, [event.stack]: event.untilMs };
            enqueue.assign({ stalledUntil });
            if (context.stacks[event.stack] === 'starting') {
              enqueue.cancel(`up:${event.stack}`);
              enqueue.raise({ type: 'stack-up', stack: event.stack }, { id: `up:${event.stack}`, delay: startDelayMs({ ...context, stalledUntil }, event.stack) });
            }
          }),
        },
      },
    },
  },
});
