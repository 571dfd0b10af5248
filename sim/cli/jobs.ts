/**
 * The campaigns one `run` makes, in order.
 *
 * - Checking expectations (no `--variant`, no `--scenario`): every
 *   expectation of every scenario, `buggy` fails and `fixed` holds unless
 *   the scenario says more. A `fails` campaign stops at its first failure;
 *   `--runs` sets the budget of the `holds` ones.
 * - `--deep`: the same on campaign seeds 1..5, with ten times each `holds`
 *   budget.
 * - A campaign per scenario (`--variant`, `--scenario`, `--self-check`):
 *   the variant (default `buggy`) for `--runs` runs.
 */
import type { CampaignSpec } from '../explore/campaign.ts';
import { expectationsOf } from '../kernel/scenario.ts';
import { InputError } from '../kernel/plan-file.ts';
import type { LoadedScenario } from '../load/scenario-module.ts';
import { DEFAULT_RUNS, type CliOptions } from './args.ts';
import { campaignSpec } from './run-campaign.ts';
import type { Settings } from './settings.ts';

/** One campaign of a command, and what it is expected to show. */
export interface Job {
  readonly entry: LoadedScenario;
  readonly spec: CampaignSpec;
  readonly expect: 'fails' | 'holds' | null;
}

/** Deep campaigns: how many seeds, and how many times each `holds` budget. */
export const DEEP_SEEDS = 5;
export const DEEP_HOLDS_FACTOR = 10;

/** Whether this `run` checks expectations rather than running plain campaigns. */
export function checksExpectations(options: CliOptions): boolean {
  return options.variant === undefined && options.scenario === undefined && !options.selfCheck;
}

export function planJobs(entries: readonly LoadedScenario[], options: CliOptions, settings: Settings): Job[] {
  const explorable = entries.filter((e) => e.scenario.faultSpace !== undefined);
  if (checksExpectations(options)) {
    const seeds = options.deep ? Array.from({ length: DEEP_SEEDS }, (_, i) => settings.seed + i) : [settings.seed];
    const jobs: Job[] = [];
    for (const seed of seeds) {
      for (const entry of explorable) {
        for (const { variant, expect, runs } of expectationsOf(entry.scenario)) {
          const holds = expect === 'holds';
          const budget = holds ? (options.runs ?? runs) * (options.deep ? DEEP_HOLDS_FACTOR : 1) : runs;
          jobs.push({ entry, spec: campaignSpec(entry.scenario, variant, seed, budget, !holds || options.stopOnFailure, settings), expect });
        }
      }
    }
    return jobs;
  }
  const variant = options.variant ?? 'buggy';
  for (const { scenario } of explorable) {
    if (!Object.prototype.hasOwnProperty.call(scenario.variants, variant)) {
      throw new InputError(`scenario ${scenario.id} has no variant '${variant}' (it has: ${Object.keys(scenario.variants).join(', ')})`);
    }
  }
  const runs = settings.runs ?? (options.timeBudgetMs === undefined ? DEFAULT_RUNS : Number.MAX_SAFE_INTEGER);
  return explorable.map((entry) => ({ entry, spec: campaignSpec(entry.scenario, variant, settings.seed, runs, options.stopOnFailure, settings), expect: null }));
}

/** How a job's campaign came out against its expectation. */
export function jobVerdict(job: Job, found: boolean): { ok: boolean; result: string } {
  if (job.expect === null) return { ok: !found, result: found ? 'found' : 'held' };
  if (job.expect === 'fails') return { ok: found, result: found ? 'found' : 'NOT FOUND' };
  return { ok: !found, result: found ? 'FAILED' : 'held' };
}
