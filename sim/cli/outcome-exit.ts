import type { Outcome } from '../kernel/outcome.ts';
import { EXIT } from './args.ts';

/** The exit code a run's outcome maps to. */
export function exitCode(outcome: Outcome): number {
  switch (outcome.kind) {
    case 'pass':
      return EXIT.pass;
    case 'safety-violation':
    case 'liveness-violation':
      return EXIT.violation;
    case 'nondeterminism':
      return EXIT.nondeterminism;
    case 'model-crash':
      return EXIT.modelCrash;
    case 'budget-exceeded':
      return EXIT.budgetExceeded;
    case 'model-hang':
      return EXIT.modelHang;
    case 'resource-exhausted':
      return EXIT.resourceExhausted;
  }
}
