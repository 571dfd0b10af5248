/**
 * Mutations of a fault plan, within its scenario's fault space: AFL's havoc
 * stage for fault plans. One to four operations are stacked:
 *
 * - `shift`: move one fault in time, by a step of a random decade (1 ms to
 *   the window's span) or, one time in eight, anywhere in the window
 * - `magnitude`: nudge one number of one fault (double, halve, or a step of
 *   a random decade) within its range, or redraw it, or redraw a ratio or
 *   status
 * - `retarget`: redraw one fault's target (node, link and direction, message
 *   filter, request type, mode) from the space
 * - `add`: one to three fresh faults of kinds drawn by the space's weights;
 *   three times in four all are placed a decade step from one anchor: three
 *   times in four the instant the parent's run first entered a state, picked by
 *   the state's rarity (and after it three times in four: the model is in
 *   that state from then on), otherwise an existing fault, before or after
 *   it. The bugs worth guiding toward are faults close together in time,
 *   and close to what the model was doing; which kind comes next nothing
 *   tells, so a burst tries several
 * - `remove` one fault; `duplicate` one, a decade step away
 * - `splice`: the faults of this plan before a random instant and those of
 *   another corpus plan after it
 *
 * Steps drawn by decade give every scale the same chance: a 10 ms gap is as
 * likely as a 10 s one, where a uniform draw over a minute's window would
 * land within 10 ms of a given fault once in 3,000 tries.
 */
import type { FaultSpace } from '../../kernel/fault-space.ts';
import type { Fault, FaultPlan } from '../../kernel/faults.ts';
import { own } from '../../kernel/own.ts';
import type { Rng } from '../../kernel/rng.ts';
import { sortByTime } from '../arbitraries.ts';
import type { MutationOp } from './candidate.ts';
import type { Anchor } from './corpus.ts';
import type { FaultSource } from './fault-source.ts';

/** Relative weights of the operations (out of 100). Adding faults near others gets the most: it is how timing bugs are reached. */
const OP_WEIGHTS: Readonly<Record<MutationOp, number>> = { shift: 15, magnitude: 15, retarget: 10, add: 30, remove: 10, duplicate: 10, splice: 10 };
const OPS = Object.keys(OP_WEIGHTS) as MutationOp[];
/** How many operations one mutation stacks: 1 half the time, then 2, 3 or 4 (AFL's havoc stacks powers of two). */
const STACKS = [1, 1, 1, 1, 2, 2, 3, 4] as const;
/** The most faults one `add` inserts near its anchor. */
const MAX_BURST = 3;
/** Tries before a mutation that changed nothing (the plan came out as it went in) is given up and run anyway. */
const MAX_TRIES = 4;

export interface Mutant {
  readonly plan: FaultPlan;
  readonly ops: readonly MutationOp[];
}

type MutableFault = Record<string, unknown> & { kind: string; atMs: number };

/** What a mutation starts from: a corpus plan and the instants of its run worth placing faults near. */
export interface Parent {
  readonly plan: FaultPlan;
  readonly anchors: readonly Anchor[];
}

/** A mutation of `parent` (spliced, if chosen, with `mate`). */
export function mutate(source: FaultSource, parent: Parent, mate: FaultPlan | undefined, rng: Rng): Mutant {
  const before = JSON.stringify(parent.plan.faults);
  let mutant: Mutant = { plan: parent.plan, ops: [] };
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    mutant = havoc(source, parent, mate, rng);
    if (JSON.stringify(mutant.plan.faults) !== before) return mutant;
  }
  return mutant;
}

function havoc(source: FaultSource, parent: Parent, mate: FaultPlan | undefined, rng: Rng): Mutant {
  const space = source.space;
  let faults = parent.plan.faults.map((f) => ({ ...f }) as MutableFault);
  const ops: MutationOp[] = [];
  const stack = rng.pick(STACKS);
  for (let n = 0; n < stack; n++) {
    for (let tries = 0; tries < 8; tries++) {
      const op = pickOp(rng);
      const next = apply(op, faults, source, parent.anchors, mate, rng);
      if (next === undefined) continue;
      faults = next;
      ops.push(op);
      break;
    }
  }
  return { plan: { faults: fit(faults, space, rng) }, ops };
}

function pickOp(rng: Rng): MutationOp {
  let roll = rng.int(0, 99);
  for (const op of OPS) {
    roll -= OP_WEIGHTS[op];
    if (roll < 0) return op;
  }
  return OPS[OPS.length - 1]!;
}

/** The faults after `op`, or undefined when it does not apply (nothing to remove, no mate to splice with). */
function apply(op: MutationOp, faults: MutableFault[], source: FaultSource, anchors: readonly Anchor[], mate: FaultPlan | undefined, rng: Rng): MutableFault[] | undefined {
  const space = source.space;
  const [windowStart, windowEnd] = space.windowMs;
  const span = windowEnd - windowStart;
  switch (op) {
    case 'shift': {
      if (faults.length === 0) return undefined;
      const i = rng.int(0, faults.length - 1);
      const f = faults[i]!;
      const atMs = rng.int(0, 7) === 0 ? rng.int(windowStart, windowEnd) : moved(f.atMs, signed(rng, decadeStep(rng, span)), space.windowMs);
      return replaceAt(faults, i, { ...f, atMs });
    }
    case 'magnitude':
      return changeGene(faults, source, rng, 'magnitude');
    case 'retarget':
      return changeGene(faults, source, rng, 'retarget');
    case 'add': {
      // One to three faults, all near one anchor: a burst tries several kinds where one may be the next step.
      const near = rng.int(0, 3) === 0 ? undefined : anchorFor(faults, anchors, rng);
      let out = faults;
      for (let n = rng.int(1, MAX_BURST); n > 0; n--) {
        const kind = source.pickKind(rng);
        const fresh = { ...source.draw(kind, rng.uint32()) } as MutableFault;
        if (near !== undefined) {
          const step = decadeStep(rng, span);
          fresh.atMs = moved(near.atMs, near.after && rng.int(0, 3) !== 0 ? step : signed(rng, step), space.windowMs);
        }
        out = [...makeRoomFor(out, kind, space, rng, near?.atMs), fresh];
      }
      return out;
    }
    case 'remove': {
      if (faults.length === 0) return undefined;
      const i = rng.int(0, faults.length - 1);
      return faults.filter((_, j) => j !== i);
    }
    case 'duplicate': {
      if (faults.length === 0) return undefined;
      const f = rng.pick(faults);
      if (atLimit(faults, f.kind, space) || faults.length >= space.maxFaults) return undefined;
      return [...faults, { ...f, atMs: moved(f.atMs, signed(rng, decadeStep(rng, span)), space.windowMs) }];
    }
    case 'splice': {
      if (mate === undefined || mate.faults.length === 0) return undefined;
      const cutMs = rng.int(windowStart, windowEnd);
      return [...faults.filter((f) => f.atMs < cutMs), ...mate.faults.filter((f) => f.atMs >= cutMs).map((f) => ({ ...f }) as MutableFault)];
    }
  }
}

/**
 * Where an added fault goes near: three times in four (or always, in an
 * empty plan) an instant a state was first entered, by weight, and mostly
 * after it; otherwise an existing fault, either side of it. (A fault that
 * changed a state is also that state's instant; one that changed none is a
 * weaker lead.)
 */
function anchorFor(faults: readonly MutableFault[], anchors: readonly Anchor[], rng: Rng): { atMs: number; after: boolean } | undefined {
  if (anchors.length > 0 && (faults.length === 0 || rng.int(0, 3) !== 0)) return { atMs: pickAnchor(anchors, rng), after: true };
  return faults.length === 0 ? undefined : { atMs: rng.pick(faults).atMs, after: false };
}

/** An anchor's instant, picked by weight. */
function pickAnchor(anchors: readonly Anchor[], rng: Rng): number {
  const total = anchors.reduce((sum, a) => sum + a.weight, 0);
  let roll = rng.int(0, total - 1);
  for (const a of anchors) {
    roll -= a.weight;
    if (roll < 0) return a.atMs;
  }
  return anchors[anchors.length - 1]!.atMs;
}

/** Changes one magnitude or one target of one fault that has any. */
function changeGene(faults: MutableFault[], source: FaultSource, rng: Rng, what: 'magnitude' | 'retarget'): MutableFault[] | undefined {
  const candidates = faults.map((f, i) => ({ f, i, genes: source.genesOf(f.kind) })).filter(({ genes }) => (what === 'magnitude' ? genes.ranges.size + genes.choices.length : genes.targets.length) > 0);
  if (candidates.length === 0) return undefined;
  const { f, i, genes } = rng.pick(candidates);
  const fresh = source.draw(f.kind, rng.uint32()) as unknown as Record<string, unknown>;
  const changed = { ...f };
  if (what === 'retarget') {
    copyFields(changed, fresh, rng.pick(genes.targets));
    return replaceAt(faults, i, changed);
  }
  const numbers = [...genes.ranges.keys()].filter((field) => typeof f[field] === 'number');
  const pickNumber = numbers.length > 0 && (genes.choices.length === 0 || rng.int(0, 3) !== 0);
  if (!pickNumber) {
    if (genes.choices.length === 0) return undefined;
    copyFields(changed, fresh, rng.pick(genes.choices));
    return replaceAt(faults, i, changed);
  }
  const field = rng.pick(numbers);
  const [min, max] = genes.ranges.get(field)!;
  changed[field] = rng.int(0, 1) === 0 ? fresh[field] : clamp(nudged(f[field] as number, max - min, rng), min, max);
  return replaceAt(faults, i, changed);
}

/** Double, halve, or step by a random decade of the range's span. */
function nudged(value: number, span: number, rng: Rng): number {
  switch (rng.int(0, 3)) {
    case 0:
      return value * 2;
    case 1:
      return Math.trunc(value / 2);
    default:
      return value + signed(rng, decadeStep(rng, span));
  }
}

/** The fields of `group` as `fresh` has them (absent ones removed: a filter that has no `types`). */
function copyFields(target: Record<string, unknown>, fresh: Record<string, unknown>, group: readonly string[]): void {
  for (const field of group) {
    if (Object.hasOwn(fresh, field)) target[field] = fresh[field];
    else delete target[field];
  }
}

/**
 * A step of a random decade: 10^d for d uniform in 0..D, where 10^D is the
 * first power of ten at least `span`, then uniform in 1..min(10^d, span).
 */
export function decadeStep(rng: Rng, span: number): number {
  let decades = 0;
  while (10 ** decades < span) decades++;
  const scale = 10 ** rng.int(0, decades);
  return rng.int(1, Math.max(1, Math.min(scale, span)));
}

/**
 * `atMs` moved by `deltaMs`, or the other way when that leaves the window,
 * or to the window's edge when neither fits. Clamping every move that
 * overshoots would pile faults up on the window's edges.
 */
function moved(atMs: number, deltaMs: number, [windowStart, windowEnd]: readonly [number, number]): number {
  for (const d of [deltaMs, -deltaMs]) if (atMs + d >= windowStart && atMs + d <= windowEnd) return atMs + d;
  return clamp(atMs + deltaMs, windowStart, windowEnd);
}

function signed(rng: Rng, n: number): number {
  return rng.int(0, 1) === 0 ? n : -n;
}

/**
 * The faults with room for one more of `kind`: one of that kind goes if the
 * kind is at its limit, one more if the plan is full. With an anchor, the
 * one that goes is the farthest from it in time (what is near the anchor is
 * what the addition builds on); without one, any.
 */
function makeRoomFor(faults: MutableFault[], kind: string, space: FaultSpace, rng: Rng, nearMs: number | undefined): MutableFault[] {
  const dropOne = (among: readonly number[]): number => {
    if (nearMs === undefined) return rng.pick(among);
    return among.reduce((far, i) => (Math.abs(faults[i]!.atMs - nearMs) > Math.abs(faults[far]!.atMs - nearMs) ? i : far), among[0]!);
  };
  const gone = new Set<number>();
  if (atLimit(faults, kind, space)) gone.add(dropOne(faults.flatMap((f, i) => (f.kind === kind ? [i] : []))));
  if (faults.length - gone.size >= space.maxFaults) gone.add(dropOne(faults.flatMap((_, i) => (gone.has(i) ? [] : [i]))));
  return faults.filter((_, i) => !gone.has(i));
}

function atLimit(faults: readonly MutableFault[], kind: string, space: FaultSpace): boolean {
  const limit = own(space.maxPerKind, kind);
  return limit !== undefined && faults.filter((f) => f.kind === kind).length >= limit;
}

/** Within the space: times in the window, kinds within their limits, at most `maxFaults` (a splice may bring more), in time order. */
function fit(faults: MutableFault[], space: FaultSpace, rng: Rng): Fault[] {
  const [windowStart, windowEnd] = space.windowMs;
  let out = sortByTime(faults.map((f) => ({ ...f, atMs: clamp(f.atMs, windowStart, windowEnd) }) as unknown as Fault));
  const seen = new Map<string, number>();
  out = out.filter((f) => {
    const n = (seen.get(f.kind) ?? 0) + 1;
    seen.set(f.kind, n);
    const limit = own(space.maxPerKind, f.kind);
    return limit === undefined || n <= limit;
  });
  while (out.length > space.maxFaults) {
    const drop = rng.int(0, out.length - 1);
    out = out.filter((_, j) => j !== drop);
  }
  return out;
}

function replaceAt<T>(items: readonly T[], i: number, value: T): T[] {
  return items.map((item, j) => (j === i ? value : item));
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
