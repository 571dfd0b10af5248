import { describe, expect, it } from 'vitest';
import { describeFault, ratio, type Fault } from 'chaos-testbed';
import { parsePlan } from '../../sim/kernel/plan-file.ts';
import canary from '../../scenarios/canary/lease.scenario.ts';
import { at, runProbes } from '../fixtures/scenario.ts';

const base = { atMs: 0, durationMs: 60_000, from: 'a', to: 'b', oneWay: true } as const;

/** a sends b a small `ping`, a `register` and a 9 KB `bulk` every second from t=1s to t=5s. */
function mixed(faults: Fault[]) {
  const { received, result } = runProbes(['a', 'b'], (sim, p) => {
    for (let t = 1000; t <= 5000; t += 1000) {
      at(sim, p.a!, t, (io) => {
        io.send('b', { type: 'ping' });
        io.send('b', { type: 'register', entry: 'srv-1' });
        io.send('b', { type: 'bulk', sizeBytes: 9_000 });
      });
    }
  }, { plan: { faults } });
  const count = (type: string) => received('b').filter((r) => r.type === type).length;
  return { ping: count('ping'), register: count('register'), bulk: count('bulk'), received, result };
}

describe('message filters on link faults', () => {
  it('partitions only the message types a fault names', () => {
    expect(mixed([{ kind: 'partition', ...base, types: ['register'] }])).toMatchObject({ ping: 5, register: 0, bulk: 5 });
  });

  it('drops only messages of at least minBytes (sizeBytes, or the JSON length)', () => {
    expect(mixed([{ kind: 'drop', ...base, ratio: ratio(1, 1), minBytes: 1_400 }])).toMatchObject({ ping: 5, register: 5, bulk: 0 });
    // {"type":"register","entry":"srv-1"} is 35 characters; {"type":"ping"} is 15.
    expect(mixed([{ kind: 'drop', ...base, ratio: ratio(1, 1), minBytes: 20 }])).toMatchObject({ ping: 5, register: 0, bulk: 0 });
  });

  it('duplicates, delays and reorders only the messages named', () => {
    expect(mixed([{ kind: 'duplicate', ...base, ratio: ratio(1, 1), types: ['ping'] }])).toMatchObject({ ping: 10, register: 5, bulk: 5 });
    const delayed = mixed([{ kind: 'delay', ...base, extraMs: 500, types: ['bulk'] }]).received('b');
    for (const r of delayed) expect(r.atMs % 1000 >= 500).toBe(r.type === 'bulk');
    const jittered = mixed([{ kind: 'reorder', ...base, jitterMs: 900, types: ['bulk'] }]).received('b');
    for (const r of jittered) if (r.type !== 'bulk') expect(r.atMs % 1000).toBeLessThanOrEqual(10);
  });

  it('says "lost" in the trace for exactly the messages the network lost, and counts the fault as fired', () => {
    const { result } = mixed([{ kind: 'partition', ...base, types: ['register'] }]);
    expect(result.trace.filter((r) => r.kind === 'drop').map((r) => r.detail)).toEqual(Array(5).fill('register: partitioned'));
    expect(result.faultsFired).toEqual({ partition: 1 });
  });

  it('stalls a connection behind a large segment a path MTU black hole keeps losing, while small ones got through', () => {
    let id = '';
    const { received } = runProbes(['a', 'b'], (sim, p) => {
      at(sim, p.a!, 1000, (io) => void (id = io.connect('b', { userTimeoutMs: 20_000 })));
      at(sim, p.a!, 2000, (io) => {
        io.sendOn(id, { type: 'small' });
        io.sendOn(id, { type: 'big', sizeBytes: 9_000 });
        io.sendOn(id, { type: 'small-after' });
      });
    }, { plan: { faults: [{ kind: 'drop', ...base, ratio: ratio(1, 1), minBytes: 1_400 }] } });
    expect(received('b').map((r) => r.type)).toEqual(['connection.opened', 'small']);
    expect(received('a').filter((r) => r.type === 'connection.closed').map((r) => r.reason)).toEqual(['timeout']);
  });

  it('are described, and parsed strictly from a plan file', () => {
    expect(describeFault({ kind: 'partition', ...base, types: ['register', 'ping'] })).toBe('partition a->b (types register,ping) for 60000ms');
    expect(describeFault({ kind: 'drop', ...base, ratio: ratio(1, 2), minBytes: 1400 })).toBe('drop a->b 1/2 (>= 1400 bytes) for 60000ms');
    const fault = { kind: 'partition', atMs: 0, durationMs: 10, from: 'client-a', to: 'lease-server', oneWay: false, types: ['acquire'] };
    expect(parsePlan([fault], 'p.json', canary, 'buggy').faults).toEqual([fault]);
    expect(() => parsePlan([{ ...fault, types: [] }], 'p.json', canary, 'buggy')).toThrow("p.json: fault 1 (partition): 'types' must be a non-empty list of message types, got []");
    expect(() => parsePlan([{ ...fault, minBytes: -1 }], 'p.json', canary, 'buggy')).toThrow(/'minBytes' must be a whole number of bytes/);
  });
});
