/**
 * A synthetic bug of known difficulty: two outages that must overlap for
 * longer than a threshold. A writer keeps its writes in memory while no
 * replica acknowledges them; the buggy writer gives up on them once no
 * replica has answered for OVERLAP_MS (30 s), so only both replicas down at
 * once for more than 30 s loses writes. The fixed writer spills them to
 * disk and keeps trying.
 *
 * Its progress measure is how long both replicas have been down together
 * (read from the faults in force), so a guided search can climb toward the
 * 30 s that coverage alone does not show. Decoys: crashes of a cache nobody
 * needs, pauses, and a partition between the writer and the cache.
 */
import { assign, setup } from 'xstate';
import { always, defineScenario, type AnyScenario, type Fault, type NodeIO, type ResponseEvent, type TimeoutEvent, type WorldView } from 'chaos-testbed';
import { pinger } from './pinger.ts';

/** No replica answering for longer than this loses the buggy writer's buffered writes. */
const OVERLAP_MS = 30_000;
const WRITE_EVERY_MS = 1_000;
const WRITE_TIMEOUT_MS = 500;
const REPLICAS = ['replica-1', 'replica-2'] as const;

interface WriterContext {
  readonly io: NodeIO;
  readonly spills: boolean;
  readonly lastAckMs: number;
  readonly lost: number;
}

const writer = setup({
  types: { input: {} as { readonly io: NodeIO; readonly spills: boolean }, context: {} as WriterContext, events: {} as ResponseEvent | TimeoutEvent },
  delays: { WRITE: WRITE_EVERY_MS },
  guards: {
    unansweredTooLong: ({ context }) => context.io.nowMs() - context.lastAckMs > OVERLAP_MS,
    spills: ({ context }) => context.spills,
  },
}).createMachine({
  id: 'writer',
  context: ({ input }) => ({ ...input, lastAckMs: 0, lost: 0 }),
  initial: 'writing',
  on: {
    'write.response': { actions: assign({ lastAckMs: ({ context }) => context.io.nowMs() }) },
  },
  states: {
    writing: {
      after: {
        WRITE: [
          { guard: 'unansweredTooLong', target: 'stalled' },
          { target: 'writing', reenter: true, actions: ({ context }) => REPLICAS.forEach((r) => context.io.request(r, { type: 'write' }, { timeoutMs: WRITE_TIMEOUT_MS })) },
        ],
      },
    },
    // Nobody has answered for OVERLAP_MS: the buggy writer drops what it holds.
    stalled: {
      always: [{ guard: 'spills', target: 'writing' }, { target: 'writing', actions: assign({ lost: ({ context }) => context.lost + 1, lastAckMs: ({ context }) => context.io.nowMs() }) }],
    },
  },
});

const replica = setup({
  types: { input: {} as { readonly io: NodeIO }, context: {} as { readonly io: NodeIO }, events: {} as { readonly type: 'write'; readonly requestId: string; readonly from: string } },
}).createMachine({
  id: 'replica',
  context: ({ input }) => input,
  initial: 'serving',
  states: { serving: { on: { write: { actions: ({ context, event }) => context.io.reply(event as never, { status: 200 }) } } } },
});

/** How long both replicas have been down together now, from the crashes in force. */
function bothDownForMs(world: WorldView): number {
  const downSince = (node: string) => world.activeFaults.filter((f: Fault) => f.kind === 'crash' && (f as { node: string }).node === node).map((f) => f.atMs);
  const since1 = downSince('replica-1');
  const since2 = downSince('replica-2');
  if (since1.length === 0 || since2.length === 0) return 0;
  return world.nowMs - Math.max(Math.min(...since1), Math.min(...since2));
}

export const overlappingOutages: AnyScenario = defineScenario({
  id: 'search/overlapping-outages',
  title: 'Synthetic: two outages that overlap for more than 30 s',
  description: 'The buggy writer drops its buffered writes once neither replica has answered for 30 s.',
  variants: { buggy: { spills: false }, fixed: { spills: true } },
  durationMs: 150_000,
  build(sim, flags) {
    const w = sim.node('writer', writer, (io) => ({ io, spills: flags.spills }));
    for (const r of REPLICAS) sim.node(r, replica, (io) => ({ io }));
    sim.node('cache', pinger, (io) => ({ io, peer: 'writer' }));
    return { w };
  },
  faultSpace: {
    windowMs: [0, 120_000],
    maxFaults: 4,
    maxPerKind: { crash: 3 },
    kinds: {
      crash: { nodes: ['replica-1', 'replica-2', 'cache'], downMs: [100, 60_000] },
      pause: { nodes: ['cache', 'replica-1'], durationMs: [100, 5_000] },
      partition: { links: [['writer', 'cache']], durationMs: [100, 30_000] },
    },
  },
  progress: { name: 'both replicas down together (ms)', value: (_nodes, world) => bothDownForMs(world) },
  invariants: ({ w }) => [
    always('no-write-lost', 'A write the writer held must reach a replica eventually; dropping it loses data.', () => (w.snapshot()?.context.lost ?? 0) === 0),
  ],
});
