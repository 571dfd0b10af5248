/**
 * One lane's corpus: the plans whose runs reached something no earlier run
 * of the lane had (a feature, see features.ts, or a new highest value of the
 * scenario's progress measure), and how often every feature was reached.
 *
 * Energy (how often an entry is picked to be mutated) follows rarity, as in
 * AFLFast and libFuzzer's entropic schedule: an entry earns, for each feature
 * it reached, ENERGY_SCALE divided by the number of runs that reached it. A
 * plan that alone reached a state gets as much as a thousand plans that
 * reached common ones share. The entry holding the best progress earns as
 * much again as the richest entry, so a climb toward a threshold is always
 * worth mutating. Energies are integers, so picks are exact.
 */
import type { FaultPlan } from '../../kernel/faults.ts';
import type { Rng } from '../../kernel/rng.ts';
import type { CaseResult } from '../explore-run.ts';
import { featuresOf } from './features.ts';

/** Energy per feature reached by one run alone; large enough that integer division keeps rarity apart. */
const ENERGY_SCALE = 1_000_000;

export interface CorpusEntry {
  /** The run whose plan this is. */
  readonly index: number;
  readonly seed: number;
  readonly plan: FaultPlan;
  readonly features: readonly string[];
  readonly progress: number | null;
  /** When its run first entered each state (see `CaseResult.stateFirstMs`). */
  readonly stateFirstMs: Readonly<Record<string, number>>;
}

/** An instant of a run worth placing a fault near, and how much: the rarer the state first entered then, the more. */
export interface Anchor {
  readonly atMs: number;
  readonly weight: number;
}

/** Why a run was kept. */
export interface Admission {
  /** Features no earlier run of the lane reached. */
  readonly newFeatures: number;
  /** It set a new highest progress. */
  readonly progressed: boolean;
}

export class LaneCorpus {
  readonly entries: CorpusEntry[] = [];
  /** Runs of the lane that reached each feature. */
  private readonly hits = new Map<string, number>();
  private bestProgress: number | null = null;
  /** Runs of the lane folded so far. */
  private runs = 0;
  private bestEntry = -1;
  private energies: number[] | undefined;

  /** Folds one run's result (in run order); returns why it was kept, or undefined. */
  add(result: CaseResult): Admission | undefined {
    const features = featuresOf(result);
    this.runs++;
    let fresh = 0;
    for (const f of features) {
      const n = this.hits.get(f) ?? 0;
      if (n === 0) fresh++;
      this.hits.set(f, n + 1);
    }
    const progressed = result.progress !== null && (this.bestProgress === null || result.progress > this.bestProgress);
    this.energies = undefined;
    if (fresh === 0 && !progressed) return undefined;
    if (progressed) {
      this.bestProgress = result.progress;
      this.bestEntry = this.entries.length;
    }
    this.entries.push({ index: result.index, seed: result.seed, plan: result.plan, features, progress: result.progress, stateFirstMs: result.stateFirstMs });
    return { newFeatures: fresh, progressed };
  }

  /** Distinct features the lane has reached. */
  get featureCount(): number {
    return this.hits.size;
  }

  /**
   * The instants at which `entry`'s run first entered each state, weighted
   * by the square of the state's rarity in the lane (ENERGY_SCALE over the
   * square of the share of runs that reached it): a state every run enters
   * at start weighs little; one a third of the runs reach weighs nine times
   * as much, so the few states that set a run apart get most of the picks.
   */
  anchorsOf(entry: CorpusEntry): Anchor[] {
    return Object.entries(entry.stateFirstMs).map(([state, atMs]) => {
      const share = (this.hits.get(`s:${state}`) ?? 1) / this.runs;
      return { atMs, weight: Math.max(1, Math.floor(ENERGY_SCALE / (share * share))) };
    });
  }

  /** An entry, picked with probability proportional to its energy. */
  pick(rng: Rng): CorpusEntry {
    const energies = this.energies ?? (this.energies = this.computeEnergies());
    const total = energies.reduce((a, b) => a + b, 0);
    let roll = rng.int(0, total - 1);
    for (let i = 0; i < energies.length; i++) {
      roll -= energies[i]!;
      if (roll < 0) return this.entries[i]!;
    }
    return this.entries[this.entries.length - 1]!;
  }

  private computeEnergies(): number[] {
    // Every entry gets at least 1, so none is starved (its features may all have become common).
    const energies = this.entries.map((entry) => Math.max(1, entry.features.reduce((sum, f) => sum + Math.floor(ENERGY_SCALE / this.hits.get(f)!), 0)));
    if (this.bestEntry >= 0) energies[this.bestEntry]! += Math.max(...energies);
    return energies;
  }
}
