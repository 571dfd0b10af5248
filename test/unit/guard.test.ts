import { describe, expect, it } from 'vitest';
import { raise, setup } from 'xstate';
import { run, type NodeIO } from 'chaos-testbed';
import { withDeterminismGuard } from '../../sim/kernel/guard.ts';
import { singleNode } from '../fixtures/scenario.ts';

/** A node that calls `fn` in an action half a second in. */
function callsAt500(fn: () => unknown) {
  const machine = setup({ types: { input: {} as { io: NodeIO } } }).createMachine({
    initial: 'a',
    states: { a: { after: { 500: { target: 'b', actions: () => void fn() } } }, b: {} },
  });
  return singleNode(machine, (io) => ({ io }), 1000).scenario;
}

describe('determinism guard', () => {
  it.each([
    ['Math.random', () => Math.random()],
    ['Date.now', () => Date.now()],
    ['new Date()', () => new Date()],
    ['performance.now', () => performance.now()],
    ['setTimeout', () => setTimeout(() => {}, 1)],
    ['queueMicrotask', () => queueMicrotask(() => {})],
    ['crypto.randomUUID', () => crypto.randomUUID()],
  ])('reports a model calling %s, with the call site in the model', (api, fn) => {
    const result = run(callsAt500(fn), 'buggy', 1, { faults: [] });
    expect(result.outcome).toMatchObject({ kind: 'nondeterminism', api, atMs: 500 });
    expect(result.outcome.kind === 'nondeterminism' && result.outcome.callSite).toMatch(/^test\/unit\/guard\.test\.ts:\d+:\d+$/);
  });

  it('still reports the call when the model swallows the error', () => {
    const result = run(
      callsAt500(() => {
        try {
          return Math.random();
        } catch {
          return 0.5;
        }
      }),
      'buggy',
      1,
      { faults: [] },
    );
    expect(result.outcome.kind).toBe('nondeterminism');
  });

  it('catches a delayed raise without an id (xstate draws its id from Math.random)', () => {
    const machine = setup({ types: { input: {} as { io: NodeIO } } }).createMachine({
      initial: 'a',
      states: { a: { entry: raise({ type: 'x' }, { delay: 10 }) } },
    });
    const result = run(singleNode(machine, (io) => ({ io })).scenario, 'buggy', 1, { faults: [] });
    expect(result.outcome).toMatchObject({ kind: 'nondeterminism', api: 'Math.random' });
  });

  it('lets xstate stamp delayed events with virtual time, and a model use Date for plain arithmetic', () => {
    const machine = setup({ types: { input: {} as { io: NodeIO } } }).createMachine({
      initial: 'a',
      states: { a: { entry: raise({ type: 'x' }, { id: 'x', delay: 10 }), on: { x: { actions: () => void new Date(0).toISOString() } } } },
    });
    expect(run(singleNode(machine, (io) => ({ io })).scenario, 'buggy', 1, { faults: [] }).outcome.kind).toBe('pass');
  });

  it('restores every global after the run, also when the body throws', () => {
    const originals = [Math.random, Date.now, Date, performance.now, setTimeout, queueMicrotask, crypto.randomUUID];
    expect(() =>
      withDeterminismGuard(
        () => 0,
        () => {
          throw new Error('boom');
        },
      ),
    ).toThrow('boom');
    run(callsAt500(() => Math.random()), 'buggy', 1, { faults: [] });
    expect([Math.random, Date.now, Date, performance.now, setTimeout, queueMicrotask, crypto.randomUUID]).toEqual(originals);
    expect(typeof Math.random()).toBe('number');
  });
});
