/**
 * A synthetic bug of known difficulty: faults that must come in order, each
 * within `withinMs` of the one before. Think of a controller that tolerates
 * one blip, and a second one while it is still recovering, but not a third
 * while it recovers from both.
 *
 * The `chain` node arms step 1 when fault `step-1` hits it, stays armed for
 * `withinMs`, and moves to step 2 if `step-2` comes meanwhile, and so on;
 * the last step breaks it (`buggy`) or is absorbed (`fixed`). A step out of
 * order is ignored. Each step is a state, so a search that counts states
 * sees each one reached; nothing else tells it which fault comes next, or
 * when.
 *
 * Decoys the bug does not involve: a `nudge` the chain ignores, and kernel
 * faults on a link that carries pings and on nodes nothing depends on. The window
 * is a minute: by chance, a fault lands within 10 ms after another once in
 * 6,000 tries.
 */
import { assign, setup } from 'xstate';
import { always, defineScenario, operatorAction, ratio, violated, type AnyScenario, type CustomFaultHandler, type NodeIO } from 'chaos-testbed';
import { idle, pinger } from './pinger.ts';

/** Faults begin within this window; each run lasts a little longer. */
export const CHAIN_WINDOW_MS = 60_000;
const CHAIN_RUN_MS = CHAIN_WINDOW_MS + 5_000;

interface ChainInput {
  readonly io: NodeIO;
  readonly steps: number;
  readonly withinMs: number;
  readonly breaks: boolean;
}

type StepEvent = { readonly type: 'step'; readonly n: number } | { readonly type: 'nudge' };

/** The chain: armed at step k for `withinMs` after step k's fault; the last step breaks it, or not. */
export const chainMachine = setup({
  types: { input: {} as ChainInput, context: {} as ChainInput & { readonly armed: number }, events: {} as StepEvent },
  guards: {
    nextStep: ({ context, event }) => event.type === 'step' && event.n === context.armed + 1,
    lastStep: ({ context, event }) => event.type === 'step' && event.n === context.steps && context.armed === context.steps - 1,
    breaks: ({ context }) => context.breaks,
  },
  delays: { WITHIN: ({ context }) => context.withinMs },
}).createMachine({
  id: 'chain',
  context: ({ input }) => ({ ...input, armed: 0 }),
  initial: 'idle',
  states: {
    idle: { on: { step: { guard: 'nextStep', target: 'armed', actions: assign({ armed: 1 }) } } },
    armed: {
      // One state per step, so each step reached is a state of its own (coverage sees it).
      initial: 'check',
      states: {
        check: {
          always: [
            { guard: ({ context }) => context.armed === 1, target: 'step1' },
            { guard: ({ context }) => context.armed === 2, target: 'step2' },
          ],
        },
        step1: {},
        step2: {},
      },
      after: { WITHIN: { target: 'idle', actions: assign({ armed: 0 }) } },
      on: {
        step: [
          { guard: 'lastStep', target: 'done' },
          { guard: 'nextStep', target: 'armed', reenter: true, actions: assign({ armed: ({ context }) => context.armed + 1 }) },
        ],
      },
    },
    done: { always: [{ guard: 'breaks', target: 'broken' }, { target: 'absorbed' }] },
    broken: { type: 'final' },
    absorbed: { after: { WITHIN: { target: 'idle', actions: assign({ armed: 0 }) } } },
  },
});

const step = (n: number): CustomFaultHandler<unknown> => operatorAction(`Blip ${n} of the chain.`, 'chain', { type: 'step', n });

/** An ordered chain of `steps` faults (2 or 3), each within `withinMs` of the previous. */
export function orderedChain(steps: 2 | 3, withinMs: number): AnyScenario {
  const name = `${steps === 2 ? 'pair' : 'triple'}-${withinMs >= 1000 ? `${withinMs / 1000}s` : `${withinMs}ms`}`;
  const stepKinds = Object.fromEntries(Array.from({ length: steps }, (_, i) => [`step-${i + 1}`, step(i + 1)]));
  return defineScenario({
    id: `search/${name}`,
    title: `Synthetic: ${steps} faults in order, each within ${withinMs} ms of the previous`,
    description: `The chain breaks only when faults step-1..step-${steps} hit it in order, each within ${withinMs} ms of the one before, among decoy faults.`,
    variants: { buggy: { breaks: true }, fixed: { breaks: false } },
    durationMs: CHAIN_RUN_MS,
    build(sim, flags) {
      const chain = sim.node('chain', chainMachine, (io) => ({ io, steps, withinMs, breaks: flags.breaks }));
      sim.node('peer-a', pinger, (io) => ({ io, peer: 'peer-b' }));
      sim.node('peer-b', idle, (io) => ({ io }));
      sim.node('bystander', idle, (io) => ({ io }));
      return { chain };
    },
    customFaults: { ...stepKinds, nudge: operatorAction('A harmless poke at the chain.', 'chain', { type: 'nudge' }) },
    faultSpace: {
      windowMs: [0, CHAIN_WINDOW_MS],
      maxFaults: 6,
      kinds: {
        partition: { links: [['peer-a', 'peer-b']], durationMs: [100, 10_000] },
        drop: { links: [['peer-a', 'peer-b'], ['bystander', 'peer-a']], durationMs: [100, 10_000], ratios: [ratio(1, 2), ratio(1, 1)] },
        crash: { nodes: ['bystander'], downMs: [100, 10_000] },
        pause: { nodes: ['bystander', 'peer-b'], durationMs: [100, 10_000] },
      },
      custom: { ...Object.fromEntries(Object.keys(stepKinds).map((k) => [k, { fields: {} }])), nudge: { fields: {} } },
    },
    invariants: ({ chain }) => [
      always('chain-holds', `${steps} blips in quick succession must not break the chain.`, () =>
        chain.snapshot()?.matches('broken') === true ? violated(`the chain broke after ${steps} steps, each within ${withinMs} ms`) : true,
      ),
    ],
  });
}
