/**
 * A scenario's invariants without running it: `build` lays out nodes (it
 * starts nothing), and `invariants` reads what it returned.
 */
import type { Invariant } from './invariants.ts';
import type { AnyScenario } from './scenario.ts';
import { World } from './world.ts';

export function declaredInvariants(scenario: AnyScenario, variant = 'buggy'): readonly Invariant[] {
  const flags = scenario.variants[variant] ?? scenario.variants.buggy;
  const world = new World(scenario, flags, 0, 'hash');
  return scenario.invariants(world.builtNodes, flags);
}
