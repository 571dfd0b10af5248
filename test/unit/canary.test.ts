import { describe, expect, it } from 'vitest';
import canary from '../../scenarios/canary/lease.scenario.ts';
import { run, type Fault } from 'chaos-testbed';

/** Who holds the lease first depends on the seed; seed 1 makes client-b the holder. */
const SEED = 1;
const HOLDER = 'client-b';

const partitionHolder: Fault = { kind: 'partition', atMs: 5000, durationMs: 20_000, from: HOLDER, to: 'lease-server', oneWay: false };
const pauseHolder: Fault = { kind: 'pause', atMs: 5000, node: HOLDER, durationMs: 20_000 };

describe('canary/lease', () => {
  it('holds in both variants with no faults, and the lease is held', () => {
    for (const variant of ['buggy', 'fixed']) {
      const result = run(canary, variant, SEED, { faults: [] });
      expect(result.outcome).toEqual({ kind: 'pass' });
      expect(result.sometimesReached).toContain('lease-moves');
    }
  });

  it.each([
    ['a partition of the holder', partitionHolder],
    ['a pause of the holder', pauseHolder],
  ])('buggy breaks single-holder under %s', (_name, fault) => {
    const result = run(canary, 'buggy', SEED, { faults: [fault] });
    expect(result.outcome).toMatchObject({ kind: 'safety-violation', invariant: 'single-holder' });
  });

  it.each([
    ['a partition of the holder', partitionHolder],
    ['a pause of the holder', pauseHolder],
    ['a crash of the lease server', { kind: 'crash', atMs: 5000, node: 'lease-server', downMs: 8000 } as Fault],
  ])('fixed holds under %s', (_name, fault) => {
    expect(run(canary, 'fixed', SEED, { faults: [fault] }).outcome).toEqual({ kind: 'pass' });
  });
});
