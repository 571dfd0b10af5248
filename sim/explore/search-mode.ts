/**
 * How a campaign chooses its plans.
 *
 * - `random`: run i draws its plan from its own seed (swarm testing), as
 *   TigerBeetle's VOPR and FoundationDB's simulator do; runs are independent.
 * - `guided`: runs come in generations; plans that reached new coverage are
 *   kept in a corpus and mutated (see guided/planner.ts), mixed with fresh
 *   draws. Deterministic from the campaign seed, the same on any number of
 *   workers and as merged shards.
 */
export const SEARCH_MODES = ['random', 'guided'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];
