/**
 * A scenario's invariants without running it: `build` lays out nodes (it
 * starts nothing), and `invariants` reads what it returned.
 */
import { buildOnly } from './build-only.ts';
import type { Invariant } from './invariants.ts';
import { own } from './own.ts';
import type { AnyScenario } from './scenario.ts';

/**
 * The invariants `variant` declares. None when `build` or `invariants`
 * throws: every run then ends as a model crash saying so, and a campaign's
 * summary must not be lost to the same error a second time.
 */
export function declaredInvariants(scenario: AnyScenario, variant = 'buggy'): readonly Invariant[] {
  const flags = own(scenario.variants, variant) ?? scenario.variants.buggy;
  try {
    const world = buildOnly(scenario, flags);
    return scenario.invariants(world.builtNodes, flags);
  } catch {
    return [];
  }
}
