/**
 * Work queued faster than a run can do it ends as `budget-exceeded`
 * (`pending-events`) before it exhausts memory.
 */
import { describe, expect, it } from 'vitest';
import { run } from 'chaos-testbed';
import { multiplyingTimers, messageFlood, requestFlood } from './fixtures/explosions.ts';
import { hostileScenario } from './fixtures/hostile-scenario.ts';
import { probe } from '../fixtures/probe.ts';

describe('attack: timer and message explosions', () => {
  it.each([
    ['timers that each arm a hundred more', multiplyingTimers],
    ['one action sending 400,000 messages', messageFlood],
    ['one action making 400,000 requests', requestFlood],
  ])('stops %s at the pending-event limit', (_name, machine) => {
    const result = run(hostileScenario('explosion', machine), 'buggy', 1, { faults: [] });
    expect(result.outcome).toMatchObject({ kind: 'budget-exceeded', reason: 'pending-events' });
    expect(result.outcome.kind === 'budget-exceeded' && result.outcome.detail).toMatch(/^victim tried to queue one more event( \(for peer\))? while 250000 were pending/);
    expect(result.trace.at(-1)).toMatchObject({ kind: 'violation', detail: 'budget-exceeded' });
  });

  it('stops a workload step that floods a node from outside any model', () => {
    const scenario = hostileScenario('explosion', probe, {
      workload: (sim, victim) => sim.at(100, () => {
        for (let i = 0; i < 400_000; i++) victim.send({ type: 'flood' } as never);
      }),
    });
    const result = run(scenario, 'buggy', 1, { faults: [] });
    expect(result.outcome).toMatchObject({ kind: 'budget-exceeded', reason: 'pending-events', atMs: 100 });
    expect(result.outcome.kind === 'budget-exceeded' && result.outcome.detail).toMatch(/^sim tried to queue one more event \(for victim\)/);
  });

  it('takes its limit from RunOptions', () => {
    const result = run(hostileScenario('explosion', multiplyingTimers), 'buggy', 1, { faults: [] }, { maxPendingEvents: 1_000 });
    expect(result.outcome).toMatchObject({ kind: 'budget-exceeded', reason: 'pending-events' });
    expect(result.outcome.kind === 'budget-exceeded' && result.outcome.detail).toContain('while 1000 were pending');
  });
});
