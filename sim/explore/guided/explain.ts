/**
 * What a campaign's search did, for `--explain` and the JSON summary: a few
 * of the plans it ran and where they came from, how its coverage grew, how
 * big its corpus got, and which mutations paid off. A fold of the campaign's
 * results in run order, each lane's corpus rebuilt exactly as the planner
 * built it (see planner.ts), so every worker count and every merge of
 * shards explains the same search.
 *
 * A random campaign is explained the same way, with one lane: its corpus is
 * the plans a guided search would have kept from those runs.
 */
import type { FaultPlan } from '../../kernel/faults.ts';
import type { SearchMode } from '../search-mode.ts';
import type { CaseResult } from '../explore-run.ts';
import { MUTATION_OPS, type MutationOp, type PlanOrigin } from './candidate.ts';
import { LaneCorpus } from './corpus.ts';
import { featuresOf } from './features.ts';
import { laneOf, type GuidedLayout } from './layout.ts';

/** Sample plans shown of each origin: enough to see what the search draws, short enough to read. */
const SAMPLES = 3;
/** Coverage is reported after every this many runs. */
const GROWTH_EVERY_RUNS = 100;

/** How runs of one origin did. */
export interface PayOff {
  /** Runs whose plan it made (a mutation counts for each operation it stacked). */
  readonly runs: number;
  /** Of those, runs kept in the corpus: they reached something new. */
  readonly kept: number;
  /** Of those, runs that failed. */
  readonly failed: number;
}

export interface SearchExplain {
  readonly mode: SearchMode;
  /** Guided only: lanes and runs per generation (see layout.ts). */
  readonly layout: GuidedLayout | null;
  /** The first plans the campaign ran, and the first mutated plans it kept. */
  readonly samples: readonly { readonly run: number; readonly origin: PlanOrigin; readonly kept: boolean; readonly plan: FaultPlan }[];
  /** Distinct features (states, transitions, state x fault pairs, goals, effective kinds) and corpus size after every hundred runs, and at the end. */
  readonly growth: readonly { readonly runs: number; readonly features: number; readonly corpus: number }[];
  /** Plans kept, over all lanes. */
  readonly corpus: number;
  /** Fresh draws, and each mutation operation. */
  readonly draws: PayOff;
  readonly mutations: Readonly<Record<MutationOp, PayOff>>;
  /** The highest value of the scenario's progress measure in any run, or null. */
  readonly bestProgress: number | null;
}

export function explainSearch(mode: SearchMode, layout: GuidedLayout | null, ordered: readonly CaseResult[]): SearchExplain {
  const lanes = layout?.lanes ?? 1;
  const corpora = Array.from({ length: lanes }, () => new LaneCorpus());
  const seen = new Set<string>();
  const draws = { runs: 0, kept: 0, failed: 0 };
  const mutations = Object.fromEntries(MUTATION_OPS.map((op) => [op, { runs: 0, kept: 0, failed: 0 }])) as Record<MutationOp, { runs: number; kept: number; failed: number }>;
  const first: SearchExplain['samples'][number][] = [];
  const keptMutants: SearchExplain['samples'][number][] = [];
  const growth: { runs: number; features: number; corpus: number }[] = [];
  let corpus = 0;
  let bestProgress: number | null = null;
  for (const [n, c] of ordered.entries()) {
    const kept = corpora[layout === null ? 0 : laneOf(c.index, layout)]!.add(c) !== undefined;
    if (kept) corpus++;
    for (const f of featuresOf(c)) seen.add(f);
    if (c.progress !== null && (bestProgress === null || c.progress > bestProgress)) bestProgress = c.progress;
    const failed = c.repro !== undefined;
    const tally = (p: { runs: number; kept: number; failed: number }) => {
      p.runs++;
      if (kept) p.kept++;
      if (failed) p.failed++;
    };
    if (c.origin.by === 'draw') tally(draws);
    else for (const op of new Set(c.origin.ops)) tally(mutations[op]);
    const sample = { run: c.index, origin: c.origin, kept, plan: c.plan };
    if (first.length < SAMPLES) first.push(sample);
    else if (c.origin.by === 'mutation' && kept && keptMutants.length < SAMPLES) keptMutants.push(sample);
    if ((n + 1) % GROWTH_EVERY_RUNS === 0 || n === ordered.length - 1) growth.push({ runs: n + 1, features: seen.size, corpus });
  }
  return { mode, layout, samples: [...first, ...keptMutants], growth, corpus, draws, mutations, bestProgress };
}
