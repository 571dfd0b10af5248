/**
 * What the campaign's main thread and its workers say to each other.
 *
 * Worker w of n runs the campaign runs i with i % n == w, in increasing
 * order. A shared array lets the main thread stop them without a message
 * round trip: slot {@link STOP_AFTER} holds the last run index still wanted
 * (lowered when a run fails under stop-on-failure), slot {@link STOP_NOW} is
 * set when a time budget runs out.
 */
import type { CampaignSpec } from './campaign.ts';
import type { CaseResult } from './explore-run.ts';

export const STOP_AFTER = 0;
export const STOP_NOW = 1;

export interface WorkerJob {
  readonly spec: CampaignSpec;
  readonly workerIndex: number;
  readonly workerCount: number;
  /** Int32Array over this buffer: [stop after index, stop now]. */
  readonly control: SharedArrayBuffer;
  /** The module that exports `findScenario(id)`. */
  readonly registryUrl: string;
}

export type WorkerMessage = { readonly type: 'case'; readonly result: CaseResult } | { readonly type: 'done' };
