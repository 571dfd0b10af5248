/**
 * boot/order-deadlock under the explorer, with fixed seeds and budgets. The
 * buggy variant's budget is 20 runs; every fix option gets ten times that.
 */
import { describe, expect, it } from 'vitest';
import { campaign } from '../fixtures/campaign.ts';
import scenario from '../../scenarios/boot/order-deadlock.scenario.ts';

const BUDGET = 20;

describe('boot/order-deadlock', () => {
  it(`buggy: the deadlock is found within ${BUDGET} runs; it needs no fault at all`, () => {
    const s = campaign(scenario, 'buggy', BUDGET, { stopOnFailure: true });
    expect(s.found).toBe(true);
    expect(s.planSize).toBe(0);
    expect(s.outcome).toMatchObject({ kind: 'liveness-violation', invariant: 'boot-completes' });
    expect(s.outcome.kind === 'liveness-violation' && s.outcome.detail).toMatch(
      /deploy-proxy activating \(health gate: \d+ failed probes\); deploy-dashboard inactive.*deploy-dashboard waits for deploy-proxy \(After=\).*wait cycle/,
    );
  });

  it.each([
    ['fix-health-url-drone', true],
    ['fix-wants-dashboard-additive', true],
    ['fix-health-url-ping', false],
    ['fix-drop-after', false],
    ['fix-wants-dashboard', false],
    ['fixed', false],
  ] as const)(`%s over ${10 * BUDGET} runs: fails = %s`, (variant, fails) => {
    const s = campaign(scenario, variant, 10 * BUDGET);
    expect(s.found).toBe(fails);
    if (!fails) {
      expect(s.runs).toBe(10 * BUDGET);
      expect(s.warnings).toEqual([]);
    }
  });
});
