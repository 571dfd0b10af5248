/**
 * Loops inside one xstate step end the run as `budget-exceeded`
 * (`microsteps`), with the states they cycled through, the plan and the
 * trace so far.
 */
import { describe, expect, it } from 'vitest';
import { run, type FaultPlan } from 'chaos-testbed';
import { hostileScenario } from './fixtures/hostile-scenario.ts';
import { countingForever, eventlessAtStart, eventlessCycle, pingPong, raiseLoop, swallowsChildLoop } from './fixtures/loops.ts';

/** A fault before the loop starts, so the trace so far holds it. */
const PLAN: FaultPlan = { faults: [{ kind: 'crash', atMs: 200, node: 'peer', downMs: 100 }] };

describe('attack: loops inside one xstate step', () => {
  it.each([
    ['a raise loop', raiseLoop, /cycled through raise-loop:(left|right) \(ping\) -> raise-loop:(right|left) \(ping\) -> raise-loop:(left|right) \(ping\);/],
    ['an eventless cycle', eventlessCycle, /cycled through (eventless-cycle:[abc] \(xstate\.after\.500\.eventless-cycle\.idle\)( -> )?){4};/],
    ['an eventless transition that keeps changing the context', countingForever, /cycled through counting-forever:counting \(.*\) -> counting-forever:counting \(.*\);/],
    ['a parent and child answering each other', pingPong, /cycled through (echo \(ping\)|ping-pong:rallying \(pong\)) -> (ping-pong:rallying \(pong\)|echo \(ping\)) -> /],
    ['a child loop its parent handles as an error', swallowsChildLoop, /cycled through looping-child:[ab] \(xstate\.init\) -> looping-child:[ab] \(xstate\.init\) -> looping-child:[ab] \(xstate\.init\);/],
  ])('stops %s as a microstep budget, naming the states', (_name, machine, states) => {
    const result = run(hostileScenario('loop', machine), 'buggy', 1, PLAN, { traceMode: 'full' });
    expect(result.outcome).toMatchObject({ kind: 'budget-exceeded', reason: 'microsteps', atMs: 500 });
    const detail = result.outcome.kind === 'budget-exceeded' ? result.outcome.detail : '';
    expect(detail).toContain('more than 10000 microsteps inside one step on victim');
    expect(detail).toMatch(states);
    // The trace so far: the fault and its heal, and the stop at the end.
    expect(result.trace.filter((r) => r.node === 'sim').map((r) => `${r.atMs} ${r.kind}`)).toEqual(['200 fault', '300 heal', '500 violation']);
    expect(result.trace.at(-1)).toMatchObject({ kind: 'violation', detail: 'budget-exceeded' });
  });

  it('stops an eventless cycle in the initial state, which loops while xstate creates the actor', () => {
    const result = run(hostileScenario('loop', eventlessAtStart), 'buggy', 1, { faults: [] });
    expect(result.outcome).toMatchObject({ kind: 'budget-exceeded', reason: 'microsteps', atMs: 0 });
  });

  it('takes its limit from RunOptions', () => {
    const result = run(hostileScenario('loop', raiseLoop), 'buggy', 1, { faults: [] }, { maxMicrostepsPerEvent: 50 });
    expect(result.outcome).toMatchObject({ kind: 'budget-exceeded', reason: 'microsteps' });
    expect(result.outcome.kind === 'budget-exceeded' && result.outcome.detail).toContain('more than 50 microsteps');
  });

  it('gives the same outcome and trace hash every time', () => {
    const a = run(hostileScenario('loop', pingPong), 'buggy', 7, PLAN);
    const b = run(hostileScenario('loop', pingPong), 'buggy', 7, PLAN);
    expect(b.outcome).toEqual(a.outcome);
    expect(b.traceHash).toBe(a.traceHash);
  });
});
