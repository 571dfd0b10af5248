/**
 * How a guided campaign's runs are laid out so that any number of workers,
 * and shards that never see each other's results, make the same plans.
 *
 * Runs are dealt round-robin to a fixed number of lanes: run i belongs to
 * lane i mod L. A lane is an independent search with its own corpus. Within
 * a lane, runs come in generations of G: the plans of generation g are made
 * from the lane's corpus as it stood after generation g-1, whose results are
 * folded in run order. So a plan depends only on the campaign seed, its run
 * index and earlier generations of its lane, never on which worker finished
 * first; and a shard that owns whole lanes needs no other shard's results.
 *
 * Generation g of every lane spans runs [g·L·G, (g+1)·L·G): handing out runs
 * in increasing order, a pool waits only at the start of a generation, and
 * only for the previous generation of that run's own lane.
 */
import type { Shard } from '../shard.ts';

/**
 * Lanes of a guided campaign unless it says otherwise (`--lanes`): one.
 * Each lane searches alone, so lanes trade search power for shards: on the
 * synthetic family (sim/bench/search/), seeds 1-5, an ordered pair 10 ms
 * apart took a median of 77 runs with one lane, 108 with two, 232 with four;
 * an ordered triple 573, 664 and 1349. A campaign split into N shards needs
 * at least N lanes.
 */
export const DEFAULT_LANES = 1;
/**
 * Runs per generation of a lane: the plans made from one state of its
 * corpus, so up to this many runs of a lane are in flight at once (enough
 * for eight workers). 4, 8 and 16 searched alike on the synthetic family.
 */
export const GENERATION_SIZE = 8;

export interface GuidedLayout {
  /** Independent searches, each with its own corpus; shards split them. */
  readonly lanes: number;
  /** Runs per generation of a lane: how many plans are made from one state of its corpus. */
  readonly generationSize: number;
}

export function laneOf(index: number, layout: GuidedLayout): number {
  return index % layout.lanes;
}

/** The generation of run `index` within its lane. */
export function generationOf(index: number, layout: GuidedLayout): number {
  return Math.floor(Math.floor(index / layout.lanes) / layout.generationSize);
}

/** How many runs below `runs` belong to generation `generation` of `lane`. */
export function generationRuns(lane: number, generation: number, runs: number, layout: GuidedLayout): number {
  const first = lane + layout.lanes * generation * layout.generationSize;
  if (first >= runs) return 0;
  return Math.min(layout.generationSize, Math.floor((runs - 1 - first) / layout.lanes) + 1);
}

/** A guided shard owns whole lanes: lane l belongs to shard (l mod N) + 1. */
export function inLaneShard(index: number, shard: Shard | undefined, layout: GuidedLayout): boolean {
  return shard === undefined || laneOf(index, layout) % shard.count === shard.index - 1;
}

/** How many of runs 0..runs-1 a guided shard owns. */
export function laneShardSize(runs: number, shard: Shard | undefined, layout: GuidedLayout): number {
  if (shard === undefined) return runs;
  const owned = (below: number) => Math.floor(below / shard.count) + (below % shard.count > shard.index - 1 ? 1 : 0);
  return Math.floor(runs / layout.lanes) * owned(layout.lanes) + owned(runs % layout.lanes);
}
