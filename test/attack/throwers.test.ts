/**
 * Whatever a model, a workload step or a scenario throws ends the run as a
 * `model-crash` with a message that could be written down, never as a
 * crash of the tool or as nondeterminism blamed on xstate.
 */
import { describe, expect, it } from 'vitest';
import { defineScenario, run, type AnyScenario } from 'chaos-testbed';
import { declaredInvariants } from '../../sim/kernel/declared-invariants.ts';
import { InputError, parsePlan } from '../../sim/kernel/plan-file.ts';
import { stableStringify } from '../../sim/kernel/stable-json.ts';
import { probe } from '../fixtures/probe.ts';
import { actsAt500, hostileScenario } from './fixtures/hostile-scenario.ts';
import { THROWN } from './fixtures/throwers.ts';

const NO_FAULTS = { faults: [] };

/** The outcome is a model crash whose message is one bounded, printable line, and the result is JSON. */
function expectSafeCrash(scenario: AnyScenario, node: string, message: RegExp): void {
  const result = run(scenario, 'buggy', 1, NO_FAULTS, { traceMode: 'full' });
  expect(result.outcome).toMatchObject({ kind: 'model-crash', node });
  const text = result.outcome.kind === 'model-crash' ? result.outcome.message : '';
  expect(text).toMatch(message);
  expect(text.length).toBeLessThanOrEqual(2_100);
  expect(() => JSON.parse(stableStringify(result))).not.toThrow();
}

describe('attack: hostile throws', () => {
  it.each(Object.entries(THROWN))('reports a model throwing %s as a model crash with a safe message', (_name, { value, message }) => {
    const scenario = hostileScenario(
      'thrower',
      actsAt500(() => {
        throw value();
      }),
    );
    expectSafeCrash(scenario, 'victim', message);
  });

  it.each(Object.entries(THROWN))('reports a workload step throwing %s as a model crash of the kernel', (_name, { value, message }) => {
    const scenario = hostileScenario('thrower', probe, {
      workload: (sim) =>
        sim.at(100, () => {
          throw value();
        }),
    });
    expectSafeCrash(scenario, 'sim', message);
  });

  it('reports a build that throws as a model crash naming it, and as one InputError line when a plan is checked', () => {
    // Nodes named: a build that only throws would give them the type never, which no registry of scenarios holds.
    const scenario = defineScenario<{}, Record<string, never>>({
      id: 'attack/bad-build',
      title: 'a build that throws',
      description: 'kernel test',
      variants: { buggy: {}, fixed: {} },
      durationMs: 1_000,
      build() {
        throw new Error('no nodes today\nsecond line');
      },
      invariants: () => [],
    });
    const { outcome } = run(scenario, 'buggy', 1, NO_FAULTS);
    expect(outcome).toMatchObject({ kind: 'model-crash', node: 'sim', atMs: 0 });
    expect(outcome.kind === 'model-crash' && outcome.message).toContain("the scenario's build threw: Error: no nodes today");
    let refused: unknown;
    try {
      parsePlan({ faults: [] }, 'plan.json', scenario, 'buggy');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(InputError);
    expect((refused as Error).message).toMatch(/^scenario attack\/bad-build: its build threw while the plan was checked against it: Error: no nodes today second line$/);
    expect(declaredInvariants(scenario)).toEqual([]);
  });

  it('reports invariants that throw as a model crash of the kernel', () => {
    const scenario = defineScenario({
      id: 'attack/bad-invariants',
      title: 'invariants that throw',
      description: 'kernel test',
      variants: { buggy: {}, fixed: {} },
      durationMs: 1_000,
      build: (sim) => sim.node('n', probe, (io) => ({ io })),
      invariants: () => {
        throw Object.create(null);
      },
    });
    expect(run(scenario, 'buggy', 1, NO_FAULTS).outcome).toMatchObject({ kind: 'model-crash', node: 'sim', message: '[object Object]' });
  });
});
