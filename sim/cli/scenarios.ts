/**
 * Looking up scenarios and variants by the names a user typed.
 */
import { findScenario, SCENARIOS } from '../../scenarios/index.ts';
import { InputError } from '../kernel/plan-file.ts';
import { variantNames, type AnyScenario } from '../kernel/scenario.ts';

export function findScenarioOrThrow(id: string): AnyScenario {
  const scenario = findScenario(id);
  if (scenario === undefined) throw new InputError(`unknown scenario '${id}' (known: ${SCENARIOS.map((s) => s.id).join(', ')})`);
  return scenario;
}

export function checkVariant(scenario: AnyScenario, variant: string): void {
  if (!(variant in scenario.variants)) {
    throw new InputError(`scenario ${scenario.id} has no variant '${variant}' (it has: ${variantNames(scenario).join(', ')})`);
  }
}
