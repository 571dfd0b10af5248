import { describe, expect, it } from 'vitest';
import { assign, raise, setup } from 'xstate';
import { run } from 'chaos-testbed';
import { StepBudget } from '../../sim/kernel/step-budget.ts';
import { singleNode } from '../fixtures/scenario.ts';

describe('step budget', () => {
  it('counts microsteps per kernel event: many short steps are not a loop', () => {
    // A burst of 61 raised microsteps every 10 ms: about 12,000 in the run, 61 per event.
    const machine = setup({ types: { context: {} as { left: number } } }).createMachine({
      context: { left: 0 },
      initial: 'idle',
      states: {
        idle: { after: { 10: { target: 'burst', actions: assign({ left: 60 }) } } },
        burst: {
          entry: raise({ type: 'again' }),
          on: { again: [{ guard: ({ context }) => context.left > 0, target: 'burst', reenter: true, actions: assign({ left: ({ context }) => context.left - 1 }) }, { target: 'idle' }] },
        },
      },
    });
    const scenario = singleNode(machine, () => ({}), 2_000).scenario;
    expect(run(scenario, 'buggy', 1, { faults: [] }, { maxMicrostepsPerEvent: 100 }).outcome).toEqual({ kind: 'pass' });
    expect(run(scenario, 'buggy', 1, { faults: [] }, { maxMicrostepsPerEvent: 50 }).outcome).toMatchObject({ kind: 'budget-exceeded', reason: 'microsteps', atMs: 10 });
  });

  it("passes inspection events on to a model that inspects its own system, as xstate would", () => {
    const seen: string[] = [];
    const machine = setup({}).createMachine({
      initial: 'a',
      states: {
        a: { after: { 10: { target: 'b', actions: ({ self }) => void self.system.inspect((e) => seen.push(e.type)) } } },
        b: { after: { 10: 'a' } },
      },
    });
    expect(run(singleNode(machine, () => ({}), 100).scenario, 'buggy', 1, { faults: [] }).outcome.kind).toBe('pass');
    expect(seen).toContain('@xstate.microstep');
    expect(seen).toContain('@xstate.snapshot');
  });

  it('names the last states when the microsteps do not repeat', () => {
    const budget = new StepBudget(30, 10, () => 7);
    let thrown: unknown;
    try {
      for (let i = 0; i < 31; i++) budget.microstep('n', () => `s${i}`, 'e');
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).name).toBe('BudgetStop');
    expect(budget.exceeded).toEqual({
      kind: 'budget-exceeded',
      reason: 'microsteps',
      atMs: 7,
      detail: 'more than 30 microsteps inside one step on n: its last states were s23 (e) -> s24 (e) -> s25 (e) -> s26 (e) -> s27 (e) -> s28 (e) -> s29 (e) -> s30 (e); a raise or eventless (always) loop that never settles',
    });
  });
});
