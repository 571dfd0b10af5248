import { describe, expect, it } from 'vitest';
import { ratio, type Fault } from 'chaos-testbed';
import { at, runProbes } from '../fixtures/scenario.ts';

const ping = { type: 'ping' };
const link = (kind: 'partition', from: string, to: string, atMs: number, durationMs: number, oneWay = false): Fault => ({
  kind,
  atMs,
  durationMs,
  from,
  to,
  oneWay,
});

/** a sends a ping to b every second from t=1s to t=10s, and b pings a back at the same times. */
function pingBothWays(plan: Fault[], seed = 1) {
  return runProbes(
    ['a', 'b'],
    (sim, p) => {
      for (let t = 1000; t <= 10_000; t += 1000) {
        at(sim, p.a!, t, (io) => io.send('b', ping));
        at(sim, p.b!, t, (io) => io.send('a', ping));
      }
    },
    { plan: { faults: plan }, seed, durationMs: 20_000 },
  );
}

const times = (received: readonly { atMs: number }[]) => received.map((r) => Math.floor(r.atMs / 1000));

describe('network', () => {
  it('delivers every message after a latency within the link bounds (1-10 ms by default)', () => {
    const { received } = pingBothWays([]);
    expect(received('b')).toHaveLength(10);
    for (const r of received('b')) expect(r.atMs % 1000).toBeGreaterThanOrEqual(1);
    for (const r of received('b')) expect(r.atMs % 1000).toBeLessThanOrEqual(10);
    expect(received('b')[0]!.from).toBe('a');
  });

  it('cuts both directions during a partition, and nothing else', () => {
    const { received } = pingBothWays([link('partition', 'a', 'b', 3500, 3000)]);
    expect(times(received('b'))).toEqual([1, 2, 3, 7, 8, 9, 10]);
    expect(times(received('a'))).toEqual([1, 2, 3, 7, 8, 9, 10]);
  });

  it('cuts only from -> to during a one-way partition', () => {
    const { received } = pingBothWays([link('partition', 'a', 'b', 3500, 3000, true)]);
    expect(times(received('b'))).toEqual([1, 2, 3, 7, 8, 9, 10]);
    expect(times(received('a'))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('drops a message in flight when a partition begins before it lands', () => {
    const { result, received } = runProbes(
      ['a', 'b'],
      (sim, p) => at(sim, p.a!, 1000, (io) => io.send('b', ping)),
      { plan: { faults: [link('partition', 'a', 'b', 1000, 500)] }, durationMs: 5000 },
    );
    // The fault was scheduled first, so it is in force at send time: dropped at send.
    expect(received('b')).toHaveLength(0);
    expect(result.trace.some((r) => r.kind === 'drop' && r.detail.includes('partitioned'))).toBe(true);
    const inFlight = runProbes(['a', 'b'], (sim, p) => at(sim, p.a!, 999, (io) => io.send('b', ping)), {
      plan: { faults: [link('partition', 'a', 'b', 1000, 500)] },
      durationMs: 5000,
    });
    expect(inFlight.received('b')).toHaveLength(0);
    expect(inFlight.result.trace.some((r) => r.kind === 'drop' && r.detail.includes('in flight'))).toBe(true);
  });

  it('loses every message under a drop fault of ratio 1 and none under ratio 0', () => {
    const drop = (n: number): Fault => ({ kind: 'drop', atMs: 0, durationMs: 60_000, from: 'a', to: 'b', oneWay: true, ratio: ratio(n, 1) });
    expect(pingBothWays([drop(1)]).received('b')).toHaveLength(0);
    expect(pingBothWays([drop(0)]).received('b')).toHaveLength(10);
  });

  it('duplicates messages under a duplicate fault', () => {
    const dup: Fault = { kind: 'duplicate', atMs: 0, durationMs: 60_000, from: 'a', to: 'b', oneWay: true, ratio: ratio(1, 1) };
    expect(pingBothWays([dup]).received('b')).toHaveLength(20);
  });

  it('adds a fixed delay, and reorders messages under jitter', () => {
    const delayed = pingBothWays([{ kind: 'delay', atMs: 0, durationMs: 60_000, from: 'a', to: 'b', oneWay: true, extraMs: 400 }]);
    for (const r of delayed.received('b')) expect(r.atMs % 1000).toBeGreaterThanOrEqual(401);
    const burst = runProbes(
      ['a', 'b'],
      (sim, p) => at(sim, p.a!, 1000, (io) => {
        for (let i = 0; i < 20; i++) io.send('b', { type: `m${i}` });
      }),
      { plan: { faults: [{ kind: 'reorder', atMs: 0, durationMs: 60_000, from: 'a', to: 'b', oneWay: true, jitterMs: 1000 }] } },
    );
    const order = burst.received('b').map((r) => Number(r.type.slice(1)));
    expect(order.slice().sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
    expect(order).not.toEqual([...Array(20).keys()]);
  });

  it('inflates latency under load', () => {
    const loaded = pingBothWays([{ kind: 'load', atMs: 0, durationMs: 60_000, node: 'b', factorPct: 10_000 }]);
    // x100: 1-10 ms becomes 100-1000 ms.
    for (const r of loaded.received('b')) expect(r.atMs % 1000 === 0 || r.atMs % 1000 >= 100).toBe(true);
  });

  it('answers a request with a response, or a timeout when the answer cannot come', () => {
    const ok = runProbes(['a', 'b'], (sim, p) => at(sim, p.a!, 1000, (io) => io.request('b', { type: 'get' }, { timeoutMs: 500 })));
    expect(ok.received('b').map((r) => r.type)).toEqual(['get']);
    expect(ok.received('a').map((r) => `${r.type} ${r.status}`)).toEqual(['get.response 200']);

    const cut = runProbes(['a', 'b'], (sim, p) => at(sim, p.a!, 1000, (io) => io.request('b', { type: 'get' }, { timeoutMs: 500 })), {
      plan: { faults: [link('partition', 'a', 'b', 0, 10_000)] },
    });
    expect(cut.received('a')).toEqual([{ type: 'get.timeout', from: '', atMs: 1500, reason: 'deadline' }]);
  });

  it('drops a response that arrives after its request timed out', () => {
    const late = runProbes(['a', 'b'], (sim, p) => at(sim, p.a!, 1000, (io) => io.request('b', { type: 'get' }, { timeoutMs: 500 })), {
      plan: { faults: [{ kind: 'delay', atMs: 0, durationMs: 10_000, from: 'b', to: 'a', oneWay: true, extraMs: 2000 }] },
    });
    expect(late.received('a').map((r) => r.type)).toEqual(['get.timeout']);
    expect(late.result.trace.some((r) => r.kind === 'drop' && r.detail.includes('already timed out'))).toBe(true);
  });

  it('lets a failing front end answer requests itself, without reaching the actor', () => {
    const blip = runProbes(['a', 'b'], (sim, p) => at(sim, p.a!, 1000, (io) => io.request('b', { type: 'get' }, { timeoutMs: 500 })), {
      plan: { faults: [{ kind: 'http-error', atMs: 0, durationMs: 5000, node: 'b', status: 503 }] },
    });
    expect(blip.received('b')).toEqual([]);
    expect(blip.received('a').map((r) => `${r.type} ${r.status}`)).toEqual(['get.response 503']);
    expect(blip.result.faultsFired).toEqual({ 'http-error': 1 });
  });

  it('counts a link fault as fired only when it touched a message', () => {
    const idle = pingBothWays([link('partition', 'a', 'b', 15_000, 1000)]);
    expect(idle.result.faultsFired).toEqual({ partition: 0 });
    const biting = pingBothWays([link('partition', 'a', 'b', 2500, 1000)]);
    expect(biting.result.faultsFired).toEqual({ partition: 1 });
  });
});
