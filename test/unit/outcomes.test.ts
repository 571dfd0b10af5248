import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { eventually, run, violated, type Fault, type NodeIO } from 'chaos-testbed';
import { at, runProbes, singleNode } from '../fixtures/scenario.ts';

describe('typed outcomes', () => {
  it('ends a model that loops at one virtual instant as a livelock, not a hang', () => {
    const spinner = setup({ types: { input: {} as { io: NodeIO } } }).createMachine({
      initial: 'spin',
      states: { spin: { after: { 0: { target: 'spin', reenter: true } } } },
    });
    const result = run(singleNode(spinner, (io) => ({ io })).scenario, 'buggy', 1, { faults: [] }, { maxEventsPerInstant: 1000 });
    expect(result.outcome).toMatchObject({ kind: 'budget-exceeded', reason: 'livelock', atMs: 0 });
  });

  it('ends a run that exceeds its event budget', () => {
    const ticker = setup({ types: { input: {} as { io: NodeIO } } }).createMachine({
      initial: 't',
      states: { t: { after: { 1: { target: 't', reenter: true } } } },
    });
    const result = run(singleNode(ticker, (io) => ({ io })).scenario, 'buggy', 1, { faults: [] }, { maxEvents: 500 });
    expect(result.outcome).toMatchObject({ kind: 'budget-exceeded', reason: 'events' });
    expect(result.events).toBe(500);
  });

  it('captures a model that throws as a model crash on its node, never on a real timer', () => {
    const thrower = setup({ types: { input: {} as { io: NodeIO } } }).createMachine({
      initial: 'a',
      states: {
        a: {
          after: {
            250: {
              target: 'b',
              actions: () => {
                throw new TypeError('lease is undefined');
              },
            },
          },
        },
        b: {},
      },
    });
    const result = run(singleNode(thrower, (io) => ({ io })).scenario, 'buggy', 1, { faults: [] });
    expect(result.outcome).toEqual({ kind: 'model-crash', node: 'n', atMs: 250, message: 'TypeError: lease is undefined' });
  });

  it('captures a model that sends to a node that does not exist', () => {
    const lost = setup({ types: { input: {} as { io: NodeIO }, context: {} as { io: NodeIO } } }).createMachine({
      context: ({ input }) => ({ io: input.io }),
      entry: ({ context }) => context.io.send('nowhere', { type: 'hello' }),
    });
    const result = run(singleNode(lost, (io) => ({ io })).scenario, 'buggy', 1, { faults: [] });
    expect(result.outcome).toMatchObject({ kind: 'model-crash', node: 'n' });
    expect(result.outcome.kind === 'model-crash' && result.outcome.message).toContain("'nowhere', which is no node");
  });
});

describe('liveness', () => {
  /** b must hear a's one and only `go` (sent at 1 s); a partition at that moment loses it for good. */
  const runGo = (faults: Fault[]) =>
    runProbes(['a', 'b'], (sim, p) => at(sim, p.a!, 1000, (io) => io.send('b', { type: 'go' })), {
      plan: { faults },
      durationMs: 3000,
      invariants: (p) => [
        eventually('b-hears-go', 'b waits for go forever otherwise', 5000, () =>
          (p.b!.snapshot()?.context.received.length ?? 0) > 0 || violated('b has heard nothing', { received: 0 }),
        ),
      ],
    });

  it('passes when the check comes true after the last fault heals', () => {
    expect(runGo([]).result.outcome).toEqual({ kind: 'pass' });
  });

  it('fails at the deadline, and says when nothing was left to run', () => {
    const { result } = runGo([{ kind: 'partition', atMs: 500, durationMs: 1000, from: 'a', to: 'b', oneWay: false }]);
    expect(result.outcome).toMatchObject({ kind: 'liveness-violation', invariant: 'b-hears-go', atMs: 6500, values: { received: 0 } });
    expect(result.outcome.kind === 'liveness-violation' && result.outcome.detail).toContain('every actor waits forever');
    expect(result.simulatedMs).toBe(6500);
  });
});
