/**
 * A scenario's fault space: what may go wrong, where, when and how badly. The
 * explorer draws fault plans from it; the scenario never writes a plan itself.
 *
 * ```ts
 * faultSpace: {
 *   windowMs: [0, 40_000],
 *   maxFaults: 4,
 *   kinds: {
 *     partition: { links: [['client-a', 'lease-server'], ['client-b', 'lease-server']], durationMs: [100, 30_000] },
 *     pause: { nodes: ['client-a', 'client-b'], durationMs: [100, 30_000] },
 *     crash: { nodes: ['lease-server'], downMs: [0, 10_000] },
 *   },
 * }
 * ```
 *
 * Ranges are `[min, max]` whole numbers, both included; shrinking moves
 * toward `min`, so put the mildest value first.
 */
import type { Arbitrary } from 'fast-check';
import type { Json, NodeId, RequestFaultMode } from './faults.ts';
import type { LinkFilter } from './link-filter.ts';
import type { Ratio } from './rng.ts';

/** `[min, max]`, both included. */
export type Range = readonly [number, number];

/** A link between two nodes; link faults pick a direction or both. */
export type Link = readonly [NodeId, NodeId];

interface LinkKindSpace {
  readonly links: readonly Link[];
  readonly durationMs: Range;
  /** Allow one-way faults too (by default only both-way ones are drawn). */
  readonly oneWay?: boolean;
  /**
   * Which messages a drawn fault may act on, one filter per fault; shrinking
   * moves toward the first. `{}` is every message: `[{}, { types: ['register'] }, { minBytes: 1400 }]`.
   * Default: every message.
   */
  readonly filters?: readonly LinkFilter[];
}

/** Where `request-fault`s may strike and how. */
export interface RequestFaultSpace {
  readonly nodes: readonly NodeId[];
  /** Request types a fault may be limited to; `null` is any type. Default: any type. */
  readonly types?: readonly (string | null)[];
  readonly modes: readonly RequestFaultMode[];
  /** Statuses for the `error` mode. Default: 503. */
  readonly statuses?: readonly number[];
  /** How many requests one fault takes; shrinking moves toward the low end (put 1 first). */
  readonly count: Range;
}

/** The kernel's fault kinds a scenario allows, each with its targets and magnitudes. */
export interface KernelKindSpaces {
  readonly partition?: LinkKindSpace;
  readonly drop?: LinkKindSpace & { readonly ratios: readonly Ratio[] };
  readonly duplicate?: LinkKindSpace & { readonly ratios: readonly Ratio[] };
  readonly delay?: LinkKindSpace & { readonly extraMs: Range };
  readonly reorder?: LinkKindSpace & { readonly jitterMs: Range };
  /** `downMs`: how long before the restart; `permanent` also allows crashes that never restart. */
  readonly crash?: { readonly nodes: readonly NodeId[]; readonly downMs: Range; readonly permanent?: boolean };
  readonly restart?: { readonly nodes: readonly NodeId[] };
  readonly pause?: { readonly nodes: readonly NodeId[]; readonly durationMs: Range };
  readonly 'clock-jump'?: { readonly nodes: readonly NodeId[]; readonly deltaMs: Range };
  readonly 'clock-drift'?: { readonly nodes: readonly NodeId[]; readonly ppm: Range; readonly durationMs: Range };
  readonly load?: { readonly nodes: readonly NodeId[]; readonly factorPct: Range; readonly durationMs: Range };
  readonly 'http-error'?: { readonly nodes: readonly NodeId[]; readonly statuses: readonly number[]; readonly durationMs: Range };
  readonly 'request-fault'?: RequestFaultSpace;
}

/**
 * A scenario's own fault kind in the space: the fields it may take. Each
 * field is a range of whole numbers, a list of choices (the first is the one
 * shrinking moves toward), or any fast-check arbitrary of JSON values, when
 * what the search explores is an input (an endpoint string the user types)
 * rather than a magnitude; fast-check shrinks it like any other field.
 */
export interface CustomKindSpace {
  readonly fields: Readonly<Record<string, Range | { readonly oneOf: readonly (string | number | boolean)[] } | { readonly arbitrary: Arbitrary<Json> }>>;
}

export interface FaultSpace {
  /** Faults begin within this window of true virtual time. */
  readonly windowMs: Range;
  /** The most faults one plan may hold. */
  readonly maxFaults: number;
  readonly kinds: KernelKindSpaces;
  /** The scenario's own kinds, by name (each needs a handler in `customFaults`). */
  readonly custom?: Readonly<Record<string, CustomKindSpace>>;
  /**
   * Relative weights of kinds when a plan draws its next fault (default 1
   * each). Swarm testing still switches whole kinds off per run.
   */
  readonly weights?: Readonly<Record<string, number>>;
  /**
   * The most faults of a kind one plan may hold ("one bad linecard":
   * `{ partition: 1 }`). Faults drawn beyond it are left out, the earliest
   * drawn kept. Default: only `maxFaults` bounds them.
   */
  readonly maxPerKind?: Readonly<Record<string, number>>;
}

/** Every kind a space allows, kernel kinds first, in a fixed order. */
export function spaceKinds(space: FaultSpace): string[] {
  return [...Object.keys(space.kinds), ...Object.keys(space.custom ?? {})];
}
