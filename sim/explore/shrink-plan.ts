/**
 * Shrinking a failing plan: the seam every search shrinks through (a drawn
 * plan, a plan a guided search mutated, one fast-check already shrank), to a
 * 1-minimal plan that fails the same way, in as few runs as it can.
 *
 * 1. No faults at all: a bug that needs none is shown with none (one run).
 * 2. Whole faults go first, by delta debugging (ddmin.ts): chunks of the
 *    plan, then their complements, at a granularity that doubles.
 * 3. Given the fault space, each remaining fault's fields move toward the
 *    mildest the space allows (milder-faults.ts): the mildest value first
 *    (one run; it often fails already), else a binary search between it
 *    and the value that fails, to within 1/64 of the distance. A field is
 *    taken only if the plan still fails the same way.
 * 4. Milder values can make a fault unnecessary, so the removal of each
 *    single fault is tried again, until none can go: the result is
 *    1-minimal (removing any one fault makes the run pass, or fail
 *    otherwise), and says so.
 *
 * Every distinct plan is run once: results are remembered by the plan's
 * JSON, so the removal check of step 4 costs nothing for a plan ddmin saw.
 */
import type { FaultSpace } from '../kernel/fault-space.ts';
import type { Fault, FaultPlan, Json } from '../kernel/faults.ts';
import { ddmin } from './ddmin.ts';
import { milderFields, type FieldShrink } from './milder-faults.ts';

export interface ShrinkBudget {
  /** Runs this may spend at most; past it, the smallest plan found is returned, not confirmed 1-minimal. */
  readonly maxRuns: number;
  /**
   * The space the plan was drawn from: with it, fields move toward the
   * mildest values it allows (earlier times, shorter windows, fewer
   * requests); without it, only whole faults are removed.
   */
  readonly space?: FaultSpace;
}

export interface ShrunkPlan {
  readonly plan: FaultPlan;
  /** Removing any one fault of `plan` makes it stop failing the same way (confirmed within the budget). */
  readonly oneMinimal: boolean;
  /** Runs spent. */
  readonly runs: number;
}

/**
 * A binary search stops within 1/64 of the distance it started from: at
 * most six runs a field, and a value within 2 % of the smallest that fails
 * (a 30 s window to within half a second), which a report's reader cannot
 * tell from exact.
 */
const SEARCH_STEPS = 6;

/** Thrown to end the search when the budget is spent. */
class OutOfRuns extends Error {}

/**
 * @param failsSameWay runs a candidate plan and says whether it fails as the original did
 */
export function shrinkPlan(start: FaultPlan, failsSameWay: (plan: FaultPlan) => boolean, budget: ShrinkBudget): ShrunkPlan {
  const seen = new Map<string, boolean>([[key(start.faults), true]]);
  let runs = 0;
  const fails = (faults: readonly Fault[]): boolean => {
    const k = key(faults);
    const known = seen.get(k);
    if (known !== undefined) return known;
    if (runs >= budget.maxRuns) throw new OutOfRuns();
    runs++;
    const result = failsSameWay({ faults });
    seen.set(k, result);
    return result;
  };
  let faults = start.faults;
  try {
    if (faults.length > 0 && fails([])) return { plan: { faults: [] }, oneMinimal: true, runs };
    faults = ddmin(faults, fails, () => false).items;
    if (budget.space !== undefined) faults = milder(faults, budget.space, fails);
    faults = removeSingles(faults, fails);
    return { plan: { faults }, oneMinimal: true, runs };
  } catch (error) {
    if (!(error instanceof OutOfRuns)) throw error;
    return { plan: { faults: bestKnown(seen, faults) }, oneMinimal: false, runs };
  }
}

/** Each fault's fields, made as mild as they can be while the plan fails the same way. */
function milder(start: readonly Fault[], space: FaultSpace, fails: (faults: readonly Fault[]) => boolean): readonly Fault[] {
  let faults = start;
  for (let i = 0; i < faults.length; i++) {
    for (const shrink of milderFields(faults[i]!, space)) {
      const withValue = (value: Json): readonly Fault[] => faults.map((f, j) => (j === i ? ({ ...f, [shrink.field]: value } as Fault) : f));
      const found = shrink.how === 'choice' ? firstFailing(shrink, withValue, fails) : searchRange(shrink, faults[i]!, withValue, fails);
      if (found !== undefined) faults = found;
    }
  }
  return faults;
}

/** The first candidate value with which the plan still fails. */
function firstFailing(shrink: Extract<FieldShrink, { how: 'choice' }>, withValue: (value: Json) => readonly Fault[], fails: (faults: readonly Fault[]) => boolean): readonly Fault[] | undefined {
  for (const candidate of shrink.candidates) {
    const faults = withValue(candidate);
    if (fails(faults)) return faults;
  }
  return undefined;
}

/** The value nearest the target with which the plan still fails, by bisection between the target and the current value. */
function searchRange(
  shrink: Extract<FieldShrink, { how: 'range' }>,
  fault: Fault,
  withValue: (value: Json) => readonly Fault[],
  fails: (faults: readonly Fault[]) => boolean,
): readonly Fault[] | undefined {
  const current = (fault as unknown as Record<string, Json>)[shrink.field];
  if (typeof current !== 'number') return undefined;
  const atTarget = withValue(shrink.target);
  if (fails(atTarget)) return atTarget;
  // `passing` does not fail the same way, `failing` does; the answer lies between.
  let passing = shrink.target;
  let failing = current;
  let best: readonly Fault[] | undefined;
  const precision = Math.max(1, Math.floor(Math.abs(current - shrink.target) / 2 ** SEARCH_STEPS));
  while (Math.abs(failing - passing) > precision) {
    const mid = Math.trunc((passing + failing) / 2);
    const candidate = withValue(mid);
    if (fails(candidate)) {
      failing = mid;
      best = candidate;
    } else passing = mid;
  }
  return best;
}

/** The removal pass: drop single faults while the plan still fails the same way. */
function removeSingles(start: readonly Fault[], fails: (faults: readonly Fault[]) => boolean): readonly Fault[] {
  let faults = start;
  for (let removed = true; removed; ) {
    removed = false;
    for (let i = 0; i < faults.length; i++) {
      const candidate = faults.filter((_, j) => j !== i);
      if (fails(candidate)) {
        faults = candidate;
        removed = true;
        break;
      }
    }
  }
  return faults;
}

/** The smallest failing plan seen (fewest faults; the latest found among equals), when the budget ran out. */
function bestKnown(seen: ReadonlyMap<string, boolean>, fallback: readonly Fault[]): readonly Fault[] {
  let best = fallback;
  for (const [k, failed] of seen) {
    if (!failed) continue;
    const faults = JSON.parse(k) as Fault[];
    if (faults.length <= best.length) best = faults;
  }
  return best;
}

function key(faults: readonly Fault[]): string {
  return JSON.stringify(faults);
}
