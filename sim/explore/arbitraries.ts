/**
 * fast-check arbitraries for fault plans, built from a scenario's fault space.
 *
 * Swarm testing (Groce et al., "Swarm Testing", ISSTA 2012): each plan first
 * draws the subset of fault kinds it may use, then its faults from those
 * kinds only. A plan with crashes switched off has room for more partitions,
 * and bugs that a frequent harmless kind would mask get found.
 *
 * Shrinking goes toward fewer faults (array shrinking), earlier times and
 * milder magnitudes (each integer shrinks toward the low end of its range),
 * and toward the first listed target and choice.
 */
import fc from 'fast-check';
import type { CustomKindSpace, FaultSpace, KernelKindSpaces, Link, Range, RequestFaultSpace } from '../kernel/fault-space.ts';
import type { Fault, FaultPlan, Json } from '../kernel/faults.ts';
import type { LinkFilter } from '../kernel/link-filter.ts';
import { own } from '../kernel/own.ts';
import type { Ratio } from '../kernel/rng.ts';

/** A generated case: the kinds the swarm enabled, and the plan drawn from them. */
export interface SwarmPlan {
  readonly enabledKinds: readonly string[];
  readonly plan: FaultPlan;
}

/**
 * Arbitraries already built, by fault space. An arbitrary is a pure function
 * of the random stream it is given, so every run of a campaign (and of any
 * campaign on the same space) can draw from one: building it costs more
 * than drawing a plan from it.
 */
const built = new WeakMap<FaultSpace, fc.Arbitrary<SwarmPlan>>();

/** Plans drawn from `space` with swarm testing. */
export function swarmPlanArbitrary(space: FaultSpace): fc.Arbitrary<SwarmPlan> {
  let arbitrary = built.get(space);
  if (arbitrary === undefined) {
    arbitrary = buildSwarmPlanArbitrary(space);
    built.set(space, arbitrary);
  }
  return arbitrary;
}

function buildSwarmPlanArbitrary(space: FaultSpace): fc.Arbitrary<SwarmPlan> {
  const byKind = kindArbitraries(space);
  const kinds = [...byKind.keys()];
  if (kinds.length === 0) throw new Error('the fault space allows no fault kind');
  return fc.subarray(kinds, { minLength: 1 }).chain((enabledKinds) => {
    const choices = enabledKinds.map((kind) => ({ weight: own(space.weights, kind) ?? 1, arbitrary: byKind.get(kind)! }));
    const limits = space.maxPerKind;
    return fc
      .array(fc.oneof(...choices), { maxLength: space.maxFaults })
      .map((faults) => ({ enabledKinds, plan: { faults: sortByTime(limits === undefined ? faults : withinLimits(faults, limits)) } }));
  });
}

/** The faults as drawn, without those past their kind's limit. */
function withinLimits(faults: Fault[], limits: Readonly<Record<string, number>>): Fault[] {
  const seen = new Map<string, number>();
  return faults.filter((fault) => {
    const n = (seen.get(fault.kind) ?? 0) + 1;
    seen.set(fault.kind, n);
    const limit = limits[fault.kind];
    return limit === undefined || n <= limit;
  });
}

/** Faults in order of their start (stable, so equal times keep their drawn order). */
export function sortByTime(faults: Fault[]): Fault[] {
  return faults.map((fault, i) => ({ fault, i })).sort((a, b) => a.fault.atMs - b.fault.atMs || a.i - b.i).map((x) => x.fault);
}

/**
 * One arbitrary per allowed kind, kernel kinds first: a fault of that kind
 * anywhere in the space (guided search draws single faults from them).
 */
export function kindArbitraries(space: FaultSpace): Map<string, fc.Arbitrary<Fault>> {
  const at = int(space.windowMs);
  const out = new Map<string, fc.Arbitrary<Fault>>();
  const k: KernelKindSpaces = space.kinds;
  if (k.partition) out.set('partition', linkFault('partition', at, k.partition, fc.constant({})));
  if (k.drop) out.set('drop', linkFault('drop', at, k.drop, fc.record({ ratio: ratioFrom(k.drop.ratios) })));
  if (k.duplicate) out.set('duplicate', linkFault('duplicate', at, k.duplicate, fc.record({ ratio: ratioFrom(k.duplicate.ratios) })));
  if (k.delay) out.set('delay', linkFault('delay', at, k.delay, fc.record({ extraMs: int(k.delay.extraMs) })));
  if (k.reorder) out.set('reorder', linkFault('reorder', at, k.reorder, fc.record({ jitterMs: int(k.reorder.jitterMs) })));
  if (k.crash) {
    const downMs: fc.Arbitrary<number | null> = k.crash.permanent ? fc.oneof(int(k.crash.downMs), fc.constant(null)) : int(k.crash.downMs);
    out.set('crash', fc.record({ kind: fc.constant('crash' as const), atMs: at, node: pick(k.crash.nodes), downMs }));
  }
  if (k.restart) out.set('restart', fc.record({ kind: fc.constant('restart' as const), atMs: at, node: pick(k.restart.nodes) }));
  if (k.pause) out.set('pause', fc.record({ kind: fc.constant('pause' as const), atMs: at, node: pick(k.pause.nodes), durationMs: int(k.pause.durationMs) }));
  const jump = k['clock-jump'];
  if (jump) out.set('clock-jump', fc.record({ kind: fc.constant('clock-jump' as const), atMs: at, node: pick(jump.nodes), deltaMs: int(jump.deltaMs) }));
  const drift = k['clock-drift'];
  if (drift) {
    out.set(
      'clock-drift',
      fc.record({ kind: fc.constant('clock-drift' as const), atMs: at, node: pick(drift.nodes), ppm: int(drift.ppm), durationMs: int(drift.durationMs) }),
    );
  }
  if (k.load) {
    out.set(
      'load',
      fc.record({ kind: fc.constant('load' as const), atMs: at, node: pick(k.load.nodes), factorPct: int(k.load.factorPct), durationMs: int(k.load.durationMs) }),
    );
  }
  const http = k['http-error'];
  if (http) {
    out.set(
      'http-error',
      fc.record({ kind: fc.constant('http-error' as const), atMs: at, node: pick(http.nodes), status: pick(http.statuses), durationMs: int(http.durationMs) }),
    );
  }
  const requests = k['request-fault'];
  if (requests) out.set('request-fault', requestFault(at, requests));
  for (const [kind, custom] of Object.entries(space.custom ?? {})) out.set(kind, customFault(kind, at, custom));
  return out;
}

/** A request fault: node, type, mode and count drawn; `status` only for `error`. Shrinks toward count 1. */
function requestFault(at: fc.Arbitrary<number>, space: RequestFaultSpace): fc.Arbitrary<Fault> {
  return fc
    .record({
      atMs: at,
      node: pick(space.nodes),
      type: pick(space.types ?? [null]),
      mode: pick(space.modes),
      status: pick(space.statuses ?? [503]),
      count: int(space.count),
    })
    .map(({ atMs, node, type, mode, status, count }) => ({
      kind: 'request-fault' as const,
      atMs,
      node,
      ...(type === null ? {} : { type }),
      mode,
      ...(mode === 'error' ? { status } : {}),
      count,
    }));
}

function linkFault<K extends Fault['kind'], X extends object>(
  kind: K,
  at: fc.Arbitrary<number>,
  space: { readonly links: readonly Link[]; readonly durationMs: Range; readonly oneWay?: boolean; readonly filters?: readonly LinkFilter[] },
  extra: fc.Arbitrary<X>,
): fc.Arbitrary<Fault> {
  // Both ways first: shrinking prefers the simpler, symmetric fault.
  const directions = space.oneWay ? (['both', 'forward', 'backward'] as const) : (['both'] as const);
  const fields = { atMs: at, link: pick(space.links), direction: pick(directions), durationMs: int(space.durationMs), extra };
  const toFault = ({ atMs, link, direction, durationMs, extra: x }: { atMs: number; link: Link; direction: string; durationMs: number; extra: X }, filter: LinkFilter) => {
    const [from, to] = direction === 'backward' ? [link[1], link[0]] : [link[0], link[1]];
    return { kind, atMs, durationMs, from, to, oneWay: direction !== 'both', ...x, ...filterFields(filter) } as unknown as Fault;
  };
  // Without filters the record is drawn exactly as before, so existing spaces draw the same plans.
  if (space.filters === undefined) return fc.record(fields).map((f) => toFault(f, {}));
  return fc.record({ ...fields, filter: pick(space.filters) }).map(({ filter, ...f }) => toFault(f, filter));
}

/** The filter's fields, leaving out those it does not set. */
function filterFields(filter: LinkFilter): LinkFilter {
  return { ...(filter.types === undefined ? {} : { types: filter.types }), ...(filter.minBytes === undefined ? {} : { minBytes: filter.minBytes }) };
}

function customFault(kind: string, at: fc.Arbitrary<number>, space: CustomKindSpace): fc.Arbitrary<Fault> {
  const fields: Record<string, fc.Arbitrary<Json>> = {};
  for (const [name, spec] of Object.entries(space.fields)) {
    fields[name] = 'oneOf' in spec ? pick(spec.oneOf) : 'arbitrary' in spec ? spec.arbitrary : int(spec as Range);
  }
  return fc.record({ atMs: at, fields: fc.record(fields) }).map(({ atMs, fields: f }) => ({ kind, atMs, ...f }) as Fault);
}

function int([min, max]: Range): fc.Arbitrary<number> {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) throw new Error(`bad range [${min}, ${max}] in the fault space`);
  return fc.integer({ min, max });
}

function pick<T>(items: readonly T[]): fc.Arbitrary<T> {
  if (items.length === 0) throw new Error('an empty list of choices in the fault space');
  return fc.constantFrom(...items);
}

function ratioFrom(ratios: readonly Ratio[]): fc.Arbitrary<Ratio> {
  return pick(ratios);
}
