/**
 * Single faults from a scenario's fault space, for mutations: a fresh fault
 * of a kind (drawn by the same arbitraries that draw whole plans, so it is
 * within the space by construction), and each kind's genes: which fields
 * are magnitudes with their ranges, and which are targets or choices.
 *
 * A mutation that changes a field copies it from a fresh draw of the same
 * kind (so every value stays one the space allows) or, for a number, nudges
 * it within its range.
 */
import fc from 'fast-check';
import type { FaultSpace, Range } from '../../kernel/fault-space.ts';
import { spaceKinds } from '../../kernel/fault-space.ts';
import type { Fault } from '../../kernel/faults.ts';
import { own } from '../../kernel/own.ts';
import type { Rng } from '../../kernel/rng.ts';
import { kindArbitraries } from '../arbitraries.ts';

/** What a mutation may change in a fault of one kind, besides its time. */
export interface FaultGenes {
  /** Numeric magnitudes and the ranges they may take. */
  readonly ranges: ReadonlyMap<string, Range>;
  /** Other magnitudes (a drop ratio, a status, an input string), changed only by copying a fresh draw. */
  readonly choices: readonly (readonly string[])[];
  /** Targets (a link and its direction, a node, a message filter, a request type, a mode), copied from a fresh draw. */
  readonly targets: readonly (readonly string[])[];
}

const LINK_TARGETS = [['from', 'to', 'oneWay'], ['types', 'minBytes']] as const;

const sources = new WeakMap<FaultSpace, FaultSource>();

/**
 * The fault source of a space, made once per space: it is a pure function of
 * the space (its arbitraries and genes never change), so campaigns of the
 * same scenario share it, and a campaign of a few runs does not pay for
 * building it again (0.1-0.3 ms, a few per cent of such a campaign).
 */
export function faultSourceOf(space: FaultSpace): FaultSource {
  let source = sources.get(space);
  if (source === undefined) {
    source = new FaultSource(space);
    sources.set(space, source);
  }
  return source;
}

export class FaultSource {
  readonly kinds: readonly string[];
  private readonly arbitraries: Map<string, fc.Arbitrary<Fault>>;
  private readonly weights: readonly number[];
  private readonly totalWeight: number;
  private readonly genes = new Map<string, FaultGenes>();

  constructor(readonly space: FaultSpace) {
    this.arbitraries = kindArbitraries(space);
    this.kinds = spaceKinds(space);
    // Weights as the swarm arbitrary uses them (fast-check's oneof takes whole numbers).
    this.weights = this.kinds.map((kind) => own(space.weights, kind) ?? 1);
    this.totalWeight = this.weights.reduce((a, b) => a + b, 0);
    for (const kind of this.kinds) this.genes.set(kind, genesOf(space, kind));
  }

  /** A fault of `kind` drawn from the space (its time too), as one run of fast-check with `seed` draws it. */
  draw(kind: string, seed: number): Fault {
    const arbitrary = this.arbitraries.get(kind);
    if (arbitrary === undefined) throw new Error(`fault kind '${kind}' is not in the fault space`);
    return fc.sample(arbitrary, { seed, numRuns: 1 })[0]!;
  }

  /** A kind, by the space's weights. */
  pickKind(rng: Rng): string {
    let roll = rng.int(0, this.totalWeight - 1);
    for (let i = 0; i < this.kinds.length; i++) {
      roll -= this.weights[i]!;
      if (roll < 0) return this.kinds[i]!;
    }
    return this.kinds[this.kinds.length - 1]!;
  }

  genesOf(kind: string): FaultGenes {
    return this.genes.get(kind) ?? NO_GENES;
  }
}

const NO_GENES: FaultGenes = { ranges: new Map(), choices: [], targets: [] };

function genesOf(space: FaultSpace, kind: string): FaultGenes {
  const k = space.kinds;
  const ranges = new Map<string, Range>();
  const choices: string[][] = [];
  const targets: string[][] = [];
  const custom = own(space.custom, kind);
  if (custom !== undefined && own(space.kinds as Record<string, unknown>, kind) === undefined) {
    for (const [field, spec] of Object.entries(custom.fields)) {
      if ('oneOf' in spec) targets.push([field]);
      else if ('arbitrary' in spec) choices.push([field]);
      else ranges.set(field, spec as Range);
    }
    return { ranges, choices, targets };
  }
  const link = (durationMs: Range) => {
    ranges.set('durationMs', durationMs);
    targets.push(...LINK_TARGETS.map((g) => [...g]));
  };
  switch (kind) {
    case 'partition':
      if (k.partition) link(k.partition.durationMs);
      break;
    case 'drop':
    case 'duplicate': {
      const s = k[kind];
      if (s) {
        link(s.durationMs);
        choices.push(['ratio']);
      }
      break;
    }
    case 'delay':
      if (k.delay) {
        link(k.delay.durationMs);
        ranges.set('extraMs', k.delay.extraMs);
      }
      break;
    case 'reorder':
      if (k.reorder) {
        link(k.reorder.durationMs);
        ranges.set('jitterMs', k.reorder.jitterMs);
      }
      break;
    case 'crash':
      if (k.crash) {
        ranges.set('downMs', k.crash.downMs);
        // A permanent crash (downMs null) is a choice a fresh draw may bring.
        if (k.crash.permanent) choices.push(['downMs']);
        targets.push(['node']);
      }
      break;
    case 'restart':
      targets.push(['node']);
      break;
    case 'pause':
      if (k.pause) ranges.set('durationMs', k.pause.durationMs);
      targets.push(['node']);
      break;
    case 'clock-jump':
      if (k['clock-jump']) ranges.set('deltaMs', k['clock-jump'].deltaMs);
      targets.push(['node']);
      break;
    case 'clock-drift':
      if (k['clock-drift']) {
        ranges.set('ppm', k['clock-drift'].ppm);
        ranges.set('durationMs', k['clock-drift'].durationMs);
      }
      targets.push(['node']);
      break;
    case 'load':
      if (k.load) {
        ranges.set('factorPct', k.load.factorPct);
        ranges.set('durationMs', k.load.durationMs);
      }
      targets.push(['node']);
      break;
    case 'http-error':
      if (k['http-error']) ranges.set('durationMs', k['http-error'].durationMs);
      choices.push(['status']);
      targets.push(['node']);
      break;
    case 'request-fault':
      if (k['request-fault']) ranges.set('count', k['request-fault'].count);
      // A status belongs to the error mode only: the two change together.
      targets.push(['node'], ['type'], ['mode', 'status']);
      break;
  }
  return { ranges, choices, targets };
}
