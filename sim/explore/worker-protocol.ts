/**
 * What the campaign's main thread and its workers say to each other.
 *
 * With n workers, worker w runs the campaign runs i with i % n == w (and, in
 * a shard, only the shard's runs), in increasing order; worker 0 is the main
 * thread itself. A shared array lets any of them stop the others without a
 * message round trip: slot {@link STOP_AFTER} holds the last run index still
 * wanted (lowered when a run fails under stop-on-failure), slot
 * {@link STOP_NOW} is set when a time budget runs out.
 */
import type { CampaignSpec } from './campaign.ts';
import type { CaseResult } from './explore-run.ts';

export const STOP_AFTER = 0;
export const STOP_NOW = 1;

/** A slice of the runs for a CI matrix: shard `index` (from 1) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Whether run `index` belongs to worker `workerIndex` of `workerCount`, within `shard`. */
export function ownsRun(index: number, workerIndex: number, workerCount: number, shard: Shard | undefined): boolean {
  if (shard !== undefined && index % shard.count !== shard.index - 1) return false;
  // Within a shard, deal its runs out round-robin by their position in it.
  const position = shard === undefined ? index : Math.floor(index / shard.count);
  return position % workerCount === workerIndex;
}

export interface WorkerJob {
  readonly spec: CampaignSpec;
  readonly workerIndex: number;
  readonly workerCount: number;
  readonly shard: Shard | undefined;
  /** Int32Array over this buffer: [stop after index, stop now]. */
  readonly control: SharedArrayBuffer;
  /** The file that declares the scenario (an absolute path). */
  readonly scenarioFile: string;
}

export type WorkerMessage = { readonly type: 'case'; readonly result: CaseResult } | { readonly type: 'done' };
