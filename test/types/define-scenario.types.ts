/**
 * Type-level tests of `defineScenario`, checked by `npm run typecheck` (tsc
 * includes test/): each `Expect<Equal<...>>` must hold, and each
 * `@ts-expect-error` must meet an error on the next line, or the
 * typecheck fails. Nothing here runs.
 */
import { setup } from 'xstate';
import { always, defineScenario, type CustomFaultHandler, type NodeHandle, type NodeIO } from 'chaos-testbed';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type NodesOf<S> = S extends { build: (...args: never[]) => infer N } ? N : never;
type FlagsOf<S> = S extends { variants: { buggy: infer F } } ? F : never;

const machine = setup({ types: { input: {} as { io: NodeIO }, context: {} as { io: NodeIO; count: number } } }).createMachine({ context: ({ input }) => ({ io: input.io, count: 0 }) });
type Handle = NodeHandle<typeof machine>;

// 1. Flags declared as an interface (no index signature) are accepted, and the nodes are inferred.
interface InterfaceFlags {
  readonly stepDown: boolean;
  readonly retries: number;
}
const interfaceFlags = defineScenario({
  id: 'types/interface-flags',
  title: '',
  description: '',
  variants: { buggy: { stepDown: false, retries: 0 } as InterfaceFlags, fixed: { stepDown: true, retries: 3 } as InterfaceFlags },
  durationMs: 1,
  build(sim, flags) {
    const server = sim.node('server', machine, (io) => ({ io }));
    return { server, retries: flags.retries };
  },
  invariants: ({ server }, flags) => [always('typed', '', () => server.snapshot()?.context.count === 0 && flags.stepDown)],
});
export type InterfaceFlagsNodes = Expect<Equal<NodesOf<typeof interfaceFlags>, { server: Handle; retries: number }>>;
export type InterfaceFlagsFlags = Expect<Equal<FlagsOf<typeof interfaceFlags>, InterfaceFlags>>;

// A flags interface with a field that is no flag value is refused where it is declared.
interface BadFlags {
  readonly when: Date;
}
defineScenario({
  id: 'types/bad-flags',
  title: '',
  description: '',
  // @ts-expect-error a Date is no bug flag
  variants: { buggy: { when: new Date(0) } as BadFlags, fixed: { when: new Date(0) } as BadFlags },
  durationMs: 1,
  build: () => ({}),
  invariants: () => [],
});

// 2. A custom fault's unannotated apply written after build sees the nodes typed.
const unannotatedApply = defineScenario({
  id: 'types/unannotated-apply',
  title: '',
  description: '',
  variants: { buggy: {}, fixed: {} },
  durationMs: 1,
  build(sim) {
    return { server: sim.node('server', machine, (io) => ({ io })) };
  },
  customFaults: {
    kick: {
      about: '',
      validate: () => undefined,
      apply: (_fault, nodes) => {
        const typed: Handle = nodes.server;
        return typed.status() === 'up';
      },
    },
  },
  invariants: ({ server }) => [always('typed', '', () => server.snapshot()?.context.count === 0)],
});
export type UnannotatedApplyNodes = Expect<Equal<NodesOf<typeof unannotatedApply>, { server: Handle }>>;

// 3. Written before build, the same apply fails at the cause (nodes is unknown there), and the
// invariants fail too, naming the fix, where they used to get nodes silently typed `any`.
defineScenario({
  id: 'types/apply-before-build',
  title: '',
  description: '',
  variants: { buggy: {}, fixed: {} },
  durationMs: 1,
  customFaults: {
    kick: {
      about: '',
      validate: () => undefined,
      // @ts-expect-error 'nodes' is of type 'unknown': write build first, or annotate nodes
      apply: (_fault, nodes) => nodes.server.status() === 'up',
    },
  },
  build(sim) {
    return { server: sim.node('server', machine, (io) => ({ io })) };
  },
  // @ts-expect-error Property 'server' does not exist on type 'NodesNotInferred' (write build before customFaults and invariants, or annotate apply)
  invariants: ({ server }) => [always('typed', '', () => server === undefined)],
});

// A handler declared on its own, annotated, fits the scenario whose nodes it names.
const kick: CustomFaultHandler<{ server: Handle }> = { about: '', validate: () => undefined, apply: (_f, { server }) => server.status() === 'up' };
const withHandler = defineScenario({
  id: 'types/separate-handler',
  title: '',
  description: '',
  variants: { buggy: {}, fixed: {} },
  durationMs: 1,
  build: (sim) => ({ server: sim.node('server', machine, (io) => ({ io })) }),
  customFaults: { kick },
  invariants: ({ server }) => [always('typed', '', () => server.status() === 'up')],
});
export type SeparateHandlerNodes = Expect<Equal<NodesOf<typeof withHandler>, { server: Handle }>>;
