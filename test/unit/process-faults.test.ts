import { describe, expect, it } from 'vitest';
import { setup, assign } from 'xstate';
import { run, type NodeIO } from 'chaos-testbed';
import { at, runProbes, singleNode } from '../fixtures/scenario.ts';

const ping = { type: 'ping' };

/** a pings b every second from 1 s to 10 s. */
function pings(faults: Parameters<typeof runProbes>[2] extends infer O ? (O extends { plan?: infer P } ? P : never) : never) {
  return runProbes(
    ['a', 'b'],
    (sim, p) => {
      for (let t = 1000; t <= 10_000; t += 1000) at(sim, p.a!, t, (io) => io.send('b', ping));
    },
    { plan: faults, durationMs: 20_000 },
  );
}
const seconds = (received: readonly { atMs: number }[]) => received.map((r) => Math.floor(r.atMs / 1000));

/** A counter that persists every other tick to disk, ticking every second. */
const counter = setup({
  types: {
    input: {} as { io: NodeIO },
    context: {} as { io: NodeIO; volatile: number; durable: number; bootedAtMs: number },
  },
  actions: {
    tick: assign({ volatile: ({ context }) => context.volatile + 1 }),
    persist: ({ context }) => context.io.durable.set('count', context.volatile),
  },
}).createMachine({
  id: 'counter',
  context: ({ input }) => ({ io: input.io, volatile: 0, durable: input.io.durable.get<number>('count') ?? 0, bootedAtMs: input.io.nowMs() }),
  initial: 'running',
  states: { running: { after: { 1000: { target: 'running', reenter: true, actions: ['tick', 'persist'] } } } },
});

describe('process faults', () => {
  it('crash: the node is down, messages to it are lost, and it stays down without a restart', () => {
    const { received, probes, result } = pings({ faults: [{ kind: 'crash', atMs: 4500, node: 'b', downMs: null }] });
    expect(seconds(received('b'))).toEqual([]); // the snapshot is gone with the node
    expect(probes.b!.status()).toBe('down');
    expect(result.trace.filter((r) => r.kind === 'drop' && r.peer === 'b')).toHaveLength(6);
  });

  it('crash then restart: a fresh actor (volatile state lost) that receives again', () => {
    const { received, probes } = pings({ faults: [{ kind: 'crash', atMs: 4500, node: 'b', downMs: 2000 }] });
    expect(probes.b!.status()).toBe('up');
    // The new actor saw only what came after 6.5 s: its memory of 1-4 s is gone.
    expect(seconds(received('b'))).toEqual([7, 8, 9, 10]);
  });

  it('crash loses messages in flight to the node, even if it is back before they land', () => {
    // Sent at 999 ms, it lands at 1000 ms or later (latency is at least 1 ms): after the restart.
    const { received, result } = runProbes(['a', 'b'], (sim, p) => at(sim, p.a!, 999, (io) => io.send('b', ping)), {
      plan: { faults: [{ kind: 'restart', atMs: 1000, node: 'b' }] },
    });
    expect(received('b')).toEqual([]);
    expect(result.trace.some((r) => r.kind === 'drop' && r.detail.includes('was down or restarted'))).toBe(true);
  });

  it('restart keeps what the model wrote to its durable store and nothing else', () => {
    const { scenario, handle } = singleNode(counter, (io) => ({ io }), 10_500);
    run(scenario, 'buggy', 1, { faults: [{ kind: 'restart', atMs: 5500, node: 'n' }] });
    const context = handle().snapshot()!.context;
    expect(context.durable).toBe(5); // five ticks were persisted before the restart
    expect(context.volatile).toBe(5); // five more since, counted from zero
    expect(context.bootedAtMs).toBe(5500);
  });

  it('crash cancels the node timers: no tick runs while it is down', () => {
    const { scenario, handle } = singleNode(counter, (io) => ({ io }), 10_500);
    const result = run(scenario, 'buggy', 1, { faults: [{ kind: 'crash', atMs: 2500, node: 'n', downMs: 5000 }] }, { traceMode: 'full' });
    expect(handle().snapshot()!.context.volatile).toBe(3); // restarted at 7.5 s: ticks at 8.5, 9.5, 10.5
    const ticks = result.trace.filter((r) => r.kind === 'state' && r.node === 'n').map((r) => r.atMs);
    expect(ticks.some((t) => t > 2500 && t < 7500)).toBe(false);
  });

  it('pause: messages and timers wait, then run in their original order when the node wakes', () => {
    const { received } = pings({ faults: [{ kind: 'pause', atMs: 2500, node: 'b', durationMs: 3000 }] });
    const got = received('b');
    expect(got).toHaveLength(10);
    // 3, 4 and 5 s arrive while b is frozen and are handled at 5.5 s, in order.
    expect(got.slice(2, 5).map((r) => r.atMs)).toEqual([5500, 5500, 5500]);
    expect(seconds(got)).toEqual([1, 2, 5, 5, 5, 6, 7, 8, 9, 10]);
  });

  it('pause: timers that came due fire late, and the node wakes with a stale view', () => {
    const { scenario, handle } = singleNode(counter, (io) => ({ io }), 10_000);
    const result = run(scenario, 'buggy', 1, { faults: [{ kind: 'pause', atMs: 2500, node: 'n', durationMs: 4000 }] }, { traceMode: 'full' });
    const resumedAt = result.trace.find((r) => r.kind === 'resume')!.atMs;
    expect(resumedAt).toBe(6500);
    // One timer was pending (due at 3 s); it fires at the wake, then re-arms from there.
    expect(handle().snapshot()!.context.volatile).toBe(2 + 1 + 3);
  });

  it('clock jump moves the wall clock of one node only', () => {
    const { received } = runProbes(
      ['a', 'b'],
      (sim, p) => {
        at(sim, p.a!, 1000, (io) => io.send('b', ping));
        at(sim, p.b!, 1000, (io) => io.send('a', ping));
      },
      { plan: { faults: [{ kind: 'clock-jump', atMs: 500, node: 'b', deltaMs: 60_000 }] }, seed: 2 },
    );
    expect(received('b')[0]!.atMs).toBeGreaterThan(61_000);
    expect(received('a')[0]!.atMs).toBeLessThan(1100);
  });
});
