/**
 * Names every object has (`constructor`, `__proto__`, `toString`,
 * `hasOwnProperty`, `valueOf`) are no variant, fault kind, field or node of
 * a scenario; and a plan may not start a fault after the scenario ends.
 */
import { describe, expect, it } from 'vitest';
import { defineScenario, operatorAction, run, type Fault } from 'chaos-testbed';
import { probe } from '../fixtures/probe.ts';
import canary from '../../scenarios/canary/lease.scenario.ts';
import { InputError, parsePlanText } from '../../sim/kernel/plan-file.ts';

const EVERY_OBJECT_HAS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

/** The one line parsing `faults` for the canary refuses it with. */
function refusal(faults: unknown): string {
  try {
    parsePlanText(JSON.stringify({ faults }), 'plan.json', canary, 'buggy');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const line = (error as Error).message;
    expect(line).not.toContain('\n');
    return line;
  }
  throw new Error('expected the plan to be refused');
}

describe('attack: names every object has', () => {
  it.each(EVERY_OBJECT_HAS)('is no variant: run(scenario, %j) throws before running', (name) => {
    expect(() => run(canary, name, 1, { faults: [] })).toThrow(`scenario canary/lease has no variant '${name}'`);
    expect(() => parsePlanText('[]', 'plan.json', canary, name)).toThrow(InputError);
  });

  it.each(EVERY_OBJECT_HAS)('is no fault kind: a plan with kind %j is refused with one line', (kind) => {
    // JSON.stringify drops nothing here; a "__proto__" kind is a string value like any other.
    expect(refusal([{ kind, atMs: 10 }])).toMatch(/^plan\.json: fault 1: unknown kind '.*' \(known: partition, drop, /);
  });

  it.each(EVERY_OBJECT_HAS)('is no field: a crash with a field %j is refused', (field) => {
    const text = `[{"kind": "crash", "atMs": 10, "node": "client-a", "downMs": null, ${JSON.stringify(field)}: 1}]`;
    let line = '';
    try {
      parsePlanText(text, 'plan.json', canary, 'buggy');
    } catch (error) {
      line = (error as Error).message;
    }
    expect(line).toMatch(/^plan\.json: fault 1 \(crash\): (unknown field '.*'|field '__proto__' is not allowed)$/);
  });

  it.each(EVERY_OBJECT_HAS)('is no node: a crash of node %j is refused', (node) => {
    expect(refusal([{ kind: 'crash', atMs: 10, node, downMs: null }])).toMatch(/'node' must name a node of canary\/lease/);
  });

  it('refuses a fault that begins after the scenario ends, with one line', () => {
    const line = refusal([{ kind: 'crash', atMs: 1_000_000_000, node: 'client-a', downMs: null }]);
    expect(line).toBe("plan.json: fault 1 (crash): 'atMs' is 1000000000, beyond the end of canary/lease (it lasts 60000 ms)");
    expect(() => parsePlanText(JSON.stringify([{ kind: 'crash', atMs: 60_000, node: 'client-a', downMs: null }]), 'p', canary, 'buggy')).not.toThrow();
  });

  it.each(EVERY_OBJECT_HAS)('ends a run given a fault of kind %j without parsing as a model crash, not a crash of the tool', (kind) => {
    const result = run(canary, 'buggy', 1, { faults: [{ kind, atMs: 10 } as Fault] });
    expect(result.outcome).toMatchObject({ kind: 'model-crash', node: 'sim', atMs: 10 });
    expect(result.outcome.kind === 'model-crash' && result.outcome.message).toContain(`has no fault kind '${kind}'`);
    expect(result.faultsFired).toEqual(Object.fromEntries([[kind, 0]]));
    expect(Object.keys(result.faultsFired)).toEqual([kind]);
  });

  it("lets a scenario name its own fault kind 'constructor', and finds its handler by own property only", () => {
    const scenario = defineScenario({
      id: 'attack/own-kinds',
      title: 'a custom fault kind named like an Object property',
      description: 'kernel test',
      variants: { buggy: {}, fixed: {}, constructor: {} },
      durationMs: 1_000,
      build: (sim) => sim.node('n', probe, (io) => ({ io })),
      invariants: () => [],
      customFaults: { constructor: operatorAction('an operator pokes the node', 'n', { type: 'poke' }) },
    });
    const plan = parsePlanText('[{"kind": "constructor", "atMs": 10}]', 'plan.json', scenario, 'constructor');
    const result = run(scenario, 'constructor', 1, plan);
    expect(result.outcome).toEqual({ kind: 'pass' });
    expect(result.faultsFired).toEqual({ constructor: 1 });
  });

  it.each(['__proto__', 'toString', 'Upper'])('refuses a scenario that declares a custom fault kind %j', (kind) => {
    const handler = operatorAction('an operator pokes the node', 'n', { type: 'poke' });
    expect(() =>
      defineScenario({
        id: 'attack/bad-kinds',
        title: 'a custom fault kind named badly',
        description: 'kernel test',
        variants: { buggy: {}, fixed: {} },
        durationMs: 1_000,
        build: (sim) => sim.node('n', probe, (io) => ({ io })),
        invariants: () => [],
        customFaults: Object.fromEntries([[kind, handler]]),
      }),
    ).toThrow(`fault kind '${kind}' must be lower-case letters, digits and dashes`);
  });
});
