/**
 * Run seeds: run i of a campaign takes its seed from the campaign seed and i
 * alone, so any run can be replayed (or run on another machine, in another
 * shard) without running the ones before it.
 */
import { Rng } from '../kernel/rng.ts';

export function runSeed(campaignSeed: number, index: number): number {
  return new Rng(campaignSeed, `run/${index}`).uint32();
}
