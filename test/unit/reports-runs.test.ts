/**
 * The runs a report is made from (sim/explore/report-runs.ts): observing a
 * run for the report changes nothing in it, and says what the broken check
 * read.
 */
import { describe, expect, it } from 'vitest';
import { run, type Fault } from 'chaos-testbed';
import { observeScenario } from '../../sim/explore/observed-scenario.ts';
import { runsForReport } from '../../sim/explore/report-runs.ts';
import canary from '../../scenarios/canary/lease.scenario.ts';
import breakerHerd from '../../scenarios/dmsg/breaker-herd.scenario.ts';
import readyLatch from '../../scenarios/dmsg/ready-latch.scenario.ts';

const CANARY_PLAN = { faults: [{ kind: 'pause', atMs: 2001, node: 'client-a', durationMs: 14_058 } as Fault] };
const HERD_PLAN = { faults: [{ kind: 'partition', atMs: 0, durationMs: 7_511, from: 'setup-node', to: 'destination', oneWay: false } as Fault] };

describe('a run observed for a report', () => {
  it('gives the same trace and outcome as the plain run', () => {
    for (const [scenario, plan, seed] of [
      [canary, CANARY_PLAN, 3_987_756_694],
      [breakerHerd, HERD_PLAN, 3_259_674_740],
      [readyLatch, { faults: [] }, 7],
    ] as const) {
      const plain = run(scenario, 'buggy', seed, plan, { traceMode: 'full' });
      const observed = run(observeScenario(scenario).scenario, 'buggy', seed, plan, { traceMode: 'full' });
      expect(observed.traceHash, scenario.id).toBe(plain.traceHash);
      expect(observed.outcome).toEqual(plain.outcome);
      expect(observed.sometimesReached).toEqual(plain.sometimesReached);
    }
  });

  it('names the nodes the broken check read, in the order it read them', () => {
    const runs = runsForReport(canary, 'buggy', 3_987_756_694, CANARY_PLAN);
    expect(runs.minimal.outcome.kind).toBe('safety-violation');
    expect(runs.checkReads).toEqual(['client-a', 'client-b']);
    expect(runs.fixed?.variant).toBe('fixed');
    expect(runs.fixed?.trace.length).toBeGreaterThan(runs.minimal.trace.length);
  });

  it('records the timeline facts a scenario declares, as they change', () => {
    const runs = runsForReport(breakerHerd, 'buggy', 3_259_674_740, HERD_PLAN);
    expect(runs.checkReads).toEqual(['setup-node']);
    const breaker = runs.facts.find((f) => f.name === 'breaker')!;
    // No value before setup-node starts (the destination boots first, at the same instant).
    expect(breaker.changes.map((c) => c.value)).toEqual([null, 'closed', 'open', 'half-open']);
    expect(breaker.changes[1]!.atMs).toBe(0);
  });

  it('has no fixed run to compare when the finding is on fixed', () => {
    expect(runsForReport(canary, 'fixed', 1, CANARY_PLAN).fixed).toBeNull();
  });
});
