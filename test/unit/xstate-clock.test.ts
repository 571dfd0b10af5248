import { describe, expect, it } from 'vitest';
import { assign, cancel, raise, sendTo, setup } from 'xstate';
import { run, type NodeIO } from 'chaos-testbed';
import { singleNode } from '../fixtures/scenario.ts';

interface Ctx {
  io: NodeIO;
  log: string[];
}
// Typed loosely (as never) so one helper fits machines of different setups.
const note = (label: string) => assign({ log: ({ context }: { context: Ctx }) => [...context.log, `${label}@${context.io.nowMs()}`] }) as never;
const logOf = (h: { snapshot(): { context: Ctx } | undefined }) => h.snapshot()!.context.log;

describe('xstate on the kernel clock', () => {
  it('fires an after transition at exactly the virtual time it names', () => {
    const machine = setup({ types: { input: {} as { io: NodeIO }, context: {} as Ctx } }).createMachine({
      context: ({ input }) => ({ io: input.io, log: [] }),
      initial: 'a',
      states: { a: { after: { 1500: { target: 'b', actions: note('b') } } }, b: { after: { 250: { target: 'c', actions: note('c') } } }, c: {} },
    });
    const { scenario, handle } = singleNode(machine, (io) => ({ io }));
    run(scenario, 'buggy', 1, { faults: [] });
    expect(logOf(handle())).toEqual(['b@1500', 'c@1750']);
  });

  it('re-arms a self-transition timer from the moment it fired, with no drift of its own', () => {
    const machine = setup({ types: { input: {} as { io: NodeIO }, context: {} as Ctx } }).createMachine({
      context: ({ input }) => ({ io: input.io, log: [] }),
      initial: 'tick',
      states: { tick: { after: { 333: { target: 'tick', reenter: true, actions: note('t') } } } },
    });
    const { scenario, handle } = singleNode(machine, (io) => ({ io }), 2000);
    run(scenario, 'buggy', 1, { faults: [] });
    expect(logOf(handle())).toEqual(['t@333', 't@666', 't@999', 't@1332', 't@1665', 't@1998']);
  });

  it('runs several timers due at once in the order they were armed', () => {
    const machine = setup({ types: { input: {} as { io: NodeIO }, context: {} as Ctx } }).createMachine({
      context: ({ input }) => ({ io: input.io, log: [] }),
      type: 'parallel',
      states: {
        first: { initial: 'w', states: { w: { after: { 1000: { target: 'd', actions: note('first') } } }, d: {} } },
        second: { initial: 'w', states: { w: { after: { 1000: { target: 'd', actions: note('second') } } }, d: {} } },
        third: { initial: 'w', states: { w: { after: { 1000: { target: 'd', actions: note('third') } } }, d: {} } },
      },
    });
    const { scenario, handle } = singleNode(machine, (io) => ({ io }));
    run(scenario, 'buggy', 1, { faults: [] });
    expect(logOf(handle())).toEqual(['first@1000', 'second@1000', 'third@1000']);
  });

  it('runs delayed raise and sendTo with ids on virtual time, and cancels them by id', () => {
    const child = setup({ types: { context: {} as { got: number } } }).createMachine({
      context: { got: 0 },
      on: { hello: { actions: assign({ got: ({ context }) => context.got + 1 }) } },
    });
    const machine = setup({ types: { input: {} as { io: NodeIO }, context: {} as Ctx }, actors: { child } }).createMachine({
      context: ({ input }) => ({ io: input.io, log: [] }),
      invoke: { id: 'kid', src: 'child' },
      initial: 'a',
      states: {
        a: {
          entry: [raise({ type: 'go' }, { id: 'go-timer', delay: 700 }), sendTo('kid', { type: 'hello' }, { id: 'hello-timer', delay: 200 })],
          on: { go: { target: 'b', actions: note('go') } },
        },
        b: { entry: raise({ type: 'never' }, { id: 'never-timer', delay: 100 }), exit: cancel('never-timer'), after: { 50: 'c' } },
        c: { on: { never: { actions: note('never') } } },
      },
    });
    const { scenario, handle } = singleNode(machine, (io) => ({ io }));
    run(scenario, 'buggy', 1, { faults: [] });
    expect(logOf(handle())).toEqual(['go@700']);
    expect(handle().snapshot()!.children.kid!.getSnapshot().context.got).toBe(1);
  });

  it('stretches timers of a node whose clock runs slow', () => {
    const machine = setup({ types: { input: {} as { io: NodeIO }, context: {} as Ctx & { trueMs: number[] } } }).createMachine({
      context: ({ input }) => ({ io: input.io, log: [], trueMs: [] }),
      initial: 'idle',
      states: { idle: { after: { 100: 'a' } }, a: { after: { 1000: { target: 'b', actions: note('b') } } }, b: {} },
    });
    const { scenario } = singleNode(machine, (io) => ({ io }));
    // -50% from t=0: a local second armed at 100 ms takes two true seconds.
    const result = run(scenario, 'buggy', 1, { faults: [{ kind: 'clock-drift', atMs: 0, node: 'n', ppm: -500_000, durationMs: 60_000 }] }, { traceMode: 'full' });
    expect(result.trace.find((r) => r.kind === 'state' && r.detail === 'a -> b')!.atMs).toBe(2100);
  });
});
