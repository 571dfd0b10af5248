/**
 * What a guided search hands a run: a plan it made (a mutation of plans that
 * reached new coverage) in place of the plan the run would draw from its own
 * seed, and where that plan came from, so a campaign can say which
 * mutations paid off.
 */
import type { FaultPlan } from '../../kernel/faults.ts';

/** The mutations a guided search applies to a corpus plan (see mutations.ts). */
export const MUTATION_OPS = ['shift', 'magnitude', 'retarget', 'add', 'remove', 'duplicate', 'splice'] as const;
export type MutationOp = (typeof MUTATION_OPS)[number];

/** How a run's plan was made. */
export type PlanOrigin =
  /** Drawn by fast-check from the run's seed, as random search draws every plan. */
  | { readonly by: 'draw' }
  /** Mutated from the plan of run `parent` (spliced with run `mate`'s, if given) by `ops`, in order. */
  | { readonly by: 'mutation'; readonly parent: number; readonly mate?: number; readonly ops: readonly MutationOp[] };

/** A plan chosen for a run by the search rather than drawn from the run's seed. */
export interface GivenPlan {
  /** The seed of the run's background randomness: the parent's, so the mutation is judged under the same weather. */
  readonly seed: number;
  readonly plan: FaultPlan;
  /** The kinds the plan uses, in the space's order (what a drawn plan calls its swarm). */
  readonly enabledKinds: readonly string[];
  readonly origin: PlanOrigin;
}

export const DRAWN: PlanOrigin = { by: 'draw' };
