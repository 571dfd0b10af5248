/**
 * Shards: slice `index` (from 1) of `count` of a campaign's runs, for a CI
 * matrix or a job engine. Shard i owns the runs r with r % count == i - 1,
 * so every shard gets early and late runs alike.
 */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function inShard(run: number, shard: Shard | undefined): boolean {
  return shard === undefined || run % shard.count === shard.index - 1;
}

/** How many of runs 0..runs-1 a shard owns. */
export function shardSize(runs: number, shard: Shard | undefined): number {
  if (shard === undefined) return runs;
  return Math.floor(runs / shard.count) + (runs % shard.count > shard.index - 1 ? 1 : 0);
}
