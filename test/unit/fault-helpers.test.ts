import { describe, expect, it } from 'vitest';
import { defineScenario, operatorAction, run, windowFault, type NodeHandle } from 'chaos-testbed';
import { probe } from '../fixtures/probe.ts';

/** Two boxes; each fault helper's events show in what the boxes received. */
function boxes(customFaults: NonNullable<Parameters<typeof defineScenario>[0]['customFaults']>, faults: { kind: string; atMs: number; [field: string]: unknown }[]) {
  let nodes: Record<string, NodeHandle<typeof probe>> = {};
  const scenario = defineScenario({
    id: 'test/helpers',
    title: 'helpers',
    description: 'kernel test',
    variants: { buggy: {}, fixed: {} },
    durationMs: 10_000,
    build(sim) {
      nodes = { 'box-1': sim.node('box-1', probe, (io) => ({ io })), 'box-2': sim.node('box-2', probe, (io) => ({ io })) };
      return nodes;
    },
    customFaults,
    invariants: () => [],
  });
  const result = run(scenario, 'buggy', 1, { faults: faults as never }, { traceMode: 'full' });
  const got = (id: string) => (nodes[id]!.snapshot()!.context.received as readonly { type: string; atMs: number }[]).map((r) => `${r.type}@${r.atMs}`);
  return { result, got };
}

describe('fault helpers pass the fault’s drawn fields on', () => {
  it('operatorAction: the target and the event may be made from the fault', () => {
    const { got, result } = boxes(
      { 'admin-restart': operatorAction('An operator restarts one box.', (f) => String(f.box), (f) => ({ type: `restart-${String(f.reason)}` })) },
      [{ kind: 'admin-restart', atMs: 1000, box: 'box-2', reason: 'stuck' }],
    );
    expect(got('box-2')).toEqual(['restart-stuck@1000']);
    expect(got('box-1')).toEqual([]);
    expect(result.faultsFired).toEqual({ 'admin-restart': 1 });
  });

  it('windowFault: both events may be made from the fault', () => {
    const { got } = boxes(
      { 'load-spike': windowFault('The host is loaded.', 'box-1', (f) => ({ type: `load-x${String(f.factor)}` }), (f) => ({ type: `unload-after-${String(f.durationMs)}` })) },
      [{ kind: 'load-spike', atMs: 1000, factor: 20, durationMs: 500 }],
    );
    expect(got('box-1')).toEqual(['load-x20@1000', 'unload-after-500@1500']);
  });

  it('still takes plain targets and events', () => {
    const { got } = boxes({ poke: operatorAction('A poke.', 'box-1', { type: 'poke' }) }, [{ kind: 'poke', atMs: 2000 }]);
    expect(got('box-1')).toEqual(['poke@2000']);
  });
});
