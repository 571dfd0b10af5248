import { describe, expect, it } from 'vitest';
import type { FaultPlan } from 'chaos-testbed';
import { at, runProbes } from '../fixtures/scenario.ts';

/**
 * One plan on four probes, built so each fault's fate is known: a probe
 * reads its clock at every event it receives (it stamps them), answers
 * plain requests and never answers dotted ones; `quiet` receives nothing.
 */
const plan: FaultPlan = {
  faults: [
    // 0: a clock jump on a node that never reads its clock afterwards: fired, not effective.
    { kind: 'clock-jump', atMs: 10, node: 'quiet', deltaMs: 5_000 },
    // 1: a clock jump on a node that reads it at its next event: effective.
    { kind: 'clock-jump', atMs: 10, node: 'a', deltaMs: 5_000 },
    // 2: a pause of a node nothing comes due for: fired, not effective.
    { kind: 'pause', atMs: 20, node: 'quiet', durationMs: 100 },
    // 3: a partition cutting the ping at t=100: fired and effective.
    { kind: 'partition', atMs: 50, from: 'a', to: 'b', oneWay: false, durationMs: 200 },
    // 4: a partition of a link nothing crosses: neither.
    { kind: 'partition', atMs: 50, from: 'c', to: 'quiet', oneWay: false, durationMs: 5_000 },
    // 5: a pause of b while the ping of t=1100 arrives: effective.
    { kind: 'pause', atMs: 1_000, node: 'b', durationMs: 300 },
    // 6: a lost reply to a request b never answers: fired (it took the request), not effective.
    { kind: 'request-fault', atMs: 1_500, node: 'b', type: 'hang.call', mode: 'drop-reply', count: 1 },
    // 7: a lost reply to a request c answers: effective.
    { kind: 'request-fault', atMs: 1_500, node: 'c', type: 'get', mode: 'drop-reply', count: 1 },
  ],
};

describe('fired and effective faults', () => {
  const { result } = runProbes(
    ['a', 'b', 'c', 'quiet'],
    (sim, p) => {
      for (const t of [100, 1_100]) at(sim, p.a!, t, (io) => io.send('b', { type: 'ping' }));
      at(sim, p.a!, 2_000, (io) => void io.request('b', { type: 'hang.call' }, { timeoutMs: 500 }));
      at(sim, p.a!, 3_000, (io) => void io.request('c', { type: 'get' }, { timeoutMs: 500 }));
    },
    { plan, durationMs: 10_000 },
  );

  it('counts a fault as fired when the kernel applied it to something', () => {
    expect(result.firedFaults).toEqual([true, true, true, true, false, true, true, true]);
    expect(result.faultsFired).toEqual({ 'clock-jump': 2, pause: 2, partition: 1, 'request-fault': 2 });
  });

  it('and as effective only when what it did reached a model', () => {
    expect(result.effectiveFaults).toEqual([false, true, false, true, false, true, false, true]);
    expect(result.faultsEffective).toEqual({ 'clock-jump': 1, pause: 1, partition: 1, 'request-fault': 1 });
  });

  it('records the states entered while a fault kind was in force', () => {
    // The probes stay in one state, entered at start with no fault in force.
    expect(result.coverage.pairs).toEqual([]);
    expect(result.coverage.stateFirstMs).toEqual({ 'probe:listening': 0 });
  });
});
