/**
 * The guided search's main-thread half: which runs can be handed out, and
 * the plan each one runs.
 *
 * A run of generation 0 draws its own plan, exactly as random search would
 * (the same plan for the same index). A later run, once its lane's earlier
 * generations are all in and folded, is a fresh draw one time in
 * FRESH_DRAWS (new territory the corpus may not lead to), and otherwise a
 * mutation of a corpus plan picked by energy (see corpus.ts), spliced with a
 * second pick when the mutation asks for one. The choice and the mutation
 * draw from a stream named by the run's index under the campaign seed, so a
 * plan is a function of the seed, the index and its lane's earlier
 * generations (see layout.ts).
 */
import type { FaultSpace } from '../../kernel/fault-space.ts';
import type { FaultPlan } from '../../kernel/faults.ts';
import { Rng, type Ratio } from '../../kernel/rng.ts';
import type { AnyScenario } from '../../kernel/scenario.ts';
import type { CaseResult } from '../explore-run.ts';
import type { GivenPlan } from './candidate.ts';
import { LaneCorpus } from './corpus.ts';
import { faultSourceOf } from './fault-source.ts';
import { generationOf, generationRuns, laneOf, type GuidedLayout } from './layout.ts';
import { mutate } from './mutations.ts';

/**
 * How often a run past the first generation draws a fresh plan instead of a
 * mutation: one in four, the share of new seeds AFL++'s and libFuzzer's
 * default schedules spend away from the queue (they mutate ~3 in 4).
 */
export const FRESH_DRAWS: Ratio = { numerator: 1, denominator: 4 };

export class GuidedPlanner {
  private readonly corpora: LaneCorpus[];
  /** Per lane: generations folded into its corpus so far. */
  private readonly folded: number[];
  /** Per lane: results waiting for the rest of their generation, by generation. */
  private readonly waiting: Map<number, CaseResult[]>[];
  private readonly space: FaultSpace;

  constructor(
    scenario: AnyScenario,
    private readonly campaignSeed: number,
    private readonly runs: number,
    private readonly layout: GuidedLayout,
  ) {
    const space = scenario.faultSpace;
    if (space === undefined) throw new Error(`scenario ${scenario.id} declares no fault space to explore`);
    this.space = space;
    this.corpora = Array.from({ length: layout.lanes }, () => new LaneCorpus());
    this.folded = Array.from({ length: layout.lanes }, () => 0);
    this.waiting = Array.from({ length: layout.lanes }, () => new Map());
  }

  /**
   * A run's result, in any order. A complete generation is folded in run
   * order when a plan first needs it (see {@link ready}), so a campaign that
   * ends within its first generation, as most buggy campaigns of the library
   * do, never pays for folding.
   */
  observe(result: CaseResult): void {
    const lane = laneOf(result.index, this.layout);
    const generation = generationOf(result.index, this.layout);
    if (generation < this.folded[lane]!) return;
    const pending = this.waiting[lane]!;
    const list = pending.get(generation) ?? [];
    list.push(result);
    pending.set(generation, list);
  }

  /** Whether run `index`'s plan can be made now: every earlier generation of its lane is in (and now folded). */
  ready(index: number): boolean {
    const lane = laneOf(index, this.layout);
    const generation = generationOf(index, this.layout);
    while (this.folded[lane]! < generation && this.foldNext(lane));
    return this.folded[lane]! >= generation;
  }

  /** Folds the lane's next generation if all its results are in; whether it did. */
  private foldNext(lane: number): boolean {
    const pending = this.waiting[lane]!;
    const next = this.folded[lane]!;
    const results = pending.get(next);
    if (results === undefined || results.length < generationRuns(lane, next, this.runs, this.layout)) return false;
    for (const r of [...results].sort((a, b) => a.index - b.index)) this.corpora[lane]!.add(r);
    pending.delete(next);
    this.folded[lane] = next + 1;
    return true;
  }

  /**
   * Whether run `index` is sure to draw its own plan, whatever its lane's
   * earlier generations turn up: a fresh draw (its stream says so, see
   * {@link given}) in a lane whose corpus is not empty. A corpus only grows,
   * so the answer holds when the run's turn comes, and a pool may run it
   * early, while the generation before it is still out: the same plan, the
   * same result. False when unsure.
   */
  drawsOwnPlan(index: number): boolean {
    if (generationOf(index, this.layout) === 0) return true;
    if (this.corpora[laneOf(index, this.layout)]!.entries.length === 0) return false;
    return new Rng(this.campaignSeed, `guided/${index}`).chance(FRESH_DRAWS);
  }

  /** The plan of run `index` (ask when {@link ready}), or undefined: the run draws its own. */
  given(index: number): GivenPlan | undefined {
    if (!this.ready(index)) throw new Error(`run ${index}: its lane's earlier generations are not all in`);
    const corpus = this.corpora[laneOf(index, this.layout)]!;
    if (generationOf(index, this.layout) === 0 || corpus.entries.length === 0) return undefined;
    const rng = new Rng(this.campaignSeed, `guided/${index}`);
    if (rng.chance(FRESH_DRAWS)) return undefined;
    const parent = corpus.pick(rng);
    const mate = corpus.entries.length > 1 ? corpus.pick(rng) : undefined;
    // Made at the first mutation, once per space: a campaign that ends within its first generation never pays for it.
    const source = faultSourceOf(this.space);
    const mutant = mutate(source, { plan: parent.plan, anchors: corpus.anchorsOf(parent) }, mate?.plan, rng);
    const spliced = mutant.ops.includes('splice') && mate !== undefined;
    return {
      seed: parent.seed,
      plan: mutant.plan,
      enabledKinds: kindsOf(mutant.plan, source.kinds),
      origin: { by: 'mutation', parent: parent.index, ...(spliced ? { mate: mate.index } : {}), ops: mutant.ops },
    };
  }
}

/** The kinds a plan uses, in the space's order. */
function kindsOf(plan: FaultPlan, kinds: readonly string[]): string[] {
  const used = new Set(plan.faults.map((f) => f.kind));
  return kinds.filter((k) => used.has(k));
}

