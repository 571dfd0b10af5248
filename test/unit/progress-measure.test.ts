/**
 * A scenario's progress measure: a run's progress is the highest value it
 * took, and a measure written as a function of the nodes starts its memory
 * afresh in every run.
 */
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { run, type ProgressMeasure } from 'chaos-testbed';
import { singleNode } from '../fixtures/scenario.ts';

const ticker = setup({}).createMachine({ initial: 't', states: { t: { after: { 100: { target: 't', reenter: true } } } } });

describe('the progress measure', () => {
  it("is a run's highest value", () => {
    const { scenario } = singleNode(ticker, () => ({}), 1_000);
    const measure: ProgressMeasure = { name: 'a peak at 500 ms', value: (_nodes, w) => 500 - Math.abs(w.nowMs - 500) };
    expect(run({ ...scenario, progress: measure }, 'buggy', 1, { faults: [] }).progress).toBe(500);
  });

  it('as a function of the nodes, is made once per run, so what it remembers never crosses runs', () => {
    const { scenario } = singleNode(ticker, () => ({}), 1_000);
    let made = 0;
    const stepsSoFar = (): ProgressMeasure => {
      made++;
      let steps = 0;
      return { name: 'steps in this run', value: () => ++steps };
    };
    const first = run({ ...scenario, progress: stepsSoFar }, 'buggy', 1, { faults: [] });
    const second = run({ ...scenario, progress: stepsSoFar }, 'buggy', 1, { faults: [] });
    expect(made).toBe(2);
    expect(first.progress).toBe(first.events);
    expect(second.progress).toBe(first.progress);
  });
});
