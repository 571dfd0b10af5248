import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { raise, setup } from 'xstate';
import { run, type NodeIO } from 'chaos-testbed';
import { installDeterminismGuard, withDeterminismGuard } from '../../sim/kernel/guard.ts';
import { ALLOWED, callsAt500 } from '../fixtures/nondeterminism-sources.ts';
import { singleNode } from '../fixtures/scenario.ts';

const nodeCrypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');

describe('determinism guard', () => {
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
    expect(result.outcome).toMatchObject({ kind: 'nondeterminism', api: 'Math.random' });
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

  it.each(Object.entries(ALLOWED))('allows what is deterministic: %s', (_name, call) => {
    expect(run(callsAt500(call), 'buggy', 1, { faults: [] }).outcome).toEqual({ kind: 'pass' });
  });

  it('reports an error xstate could not deliver as a model crash, not as xstate calling setTimeout', () => {
    // An observer the model itself subscribed throws; xstate would rethrow that on a real timer.
    const machine = setup({}).createMachine({
      initial: 'a',
      states: {
        a: {
          after: {
            100: {
              target: 'b',
              actions: ({ self }) =>
                void self.subscribe(() => {
                  throw new Error('an observer of the model threw');
                }),
            },
          },
        },
        b: { after: { 100: 'a' } },
      },
    });
    const { outcome } = run(singleNode(machine, () => ({})).scenario, 'buggy', 1, { faults: [] });
    expect(outcome).toMatchObject({ kind: 'model-crash', node: 'n', atMs: 100 });
    expect(outcome.kind === 'model-crash' && outcome.message).toContain('an observer of the model threw');
  });

  it('runs an inner guarded body under the outer guard (guards do not nest)', () => {
    const outer = withDeterminismGuard(
      () => 0,
      () =>
        withDeterminismGuard(
          () => 0,
          () => {
            try {
              Math.random();
            } catch {
              // refused by the outer guard
            }
            return 'inner';
          },
        ),
    );
    expect(outer.result).toEqual({ result: 'inner', violation: undefined });
    expect(outer.violation).toMatchObject({ api: 'Math.random' });
  });

  it('is installed once: installing again replaces nothing', () => {
    const before = [Math.random, Date, Date.now, setTimeout, process.nextTick, nodeCrypto.randomUUID];
    installDeterminismGuard();
    expect([Math.random, Date, Date.now, setTimeout, process.nextTick, nodeCrypto.randomUUID]).toEqual(before);
  });

  it('behaves exactly like the originals outside a run, also after a run that threw', async () => {
    expect(() =>
      withDeterminismGuard(
        () => 0,
        () => {
          throw new Error('boom');
        },
      ),
    ).toThrow('boom');
    run(callsAt500(() => Math.random()), 'buggy', 1, { faults: [] });

    const random = Math.random();
    expect(random).toBeGreaterThanOrEqual(0);
    expect(random).toBeLessThan(1);
    expect(Math.abs(Date.now() - new Date().getTime())).toBeLessThan(60_000);
    expect(Date()).toMatch(/\d{4}/);
    expect(new Date(0).toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(new Date(0)).toBeInstanceOf(Date);
    expect(new Date(0).constructor).toBe(Date);
    class Stamp extends Date {}
    expect(new Stamp(5).getTime()).toBe(5);
    expect(Date.UTC(1970, 0, 1)).toBe(0);
    expect(Date.name).toBe('Date');
    expect(Date.length).toBe(7);
    expect(performance.now()).toBeGreaterThan(0);
    expect(performance.timeOrigin).toBeGreaterThan(0);
    expect(process.hrtime()).toHaveLength(2);
    expect(typeof process.hrtime.bigint()).toBe('bigint');
    expect(process.memoryUsage().rss).toBeGreaterThan(0);
    expect(nodeCrypto.randomUUID()).toMatch(/^[0-9a-f-]{36}$/);
    expect(globalThis.crypto.getRandomValues(new Uint8Array(4))).toHaveLength(4);
    expect(new Intl.DateTimeFormat('en-US').format()).toMatch(/\d/);
    expect(new WeakRef({}).deref()).toBeDefined();
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => process.nextTick(resolve));
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    await Promise.resolve().then(() => undefined);
  });
});
