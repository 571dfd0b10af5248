/**
 * What "milder" means for each field of a fault, within a scenario's fault
 * space: what the shrinker may try instead of the value a plan has.
 *
 * - a start time moves toward the window's start ("earlier times");
 * - a range (a duration, a magnitude, a count) moves toward its mildest end:
 *   0 when the range holds it, else the end nearer 0, as fast-check's
 *   integers shrink (the fault space puts the mildest value first);
 * - a choice of magnitude (a loss ratio, a status) moves toward the first
 *   listed; a one-way link fault toward both ways (the simpler, symmetric
 *   fault), a crash that stays down toward the longest restart the space allows.
 *
 * Targets (which node, which link), request types and link filters are not
 * magnitudes and stay as they are, and so do fields a space draws from an
 * arbitrary (fast-check shrinks those; see explore-run.ts).
 */
import type { FaultSpace, Range } from '../kernel/fault-space.ts';
import type { Fault, Json } from '../kernel/faults.ts';
import { own } from '../kernel/own.ts';

/** One field the shrinker may make milder, and how. */
export type FieldShrink =
  /** Any whole number from the current value toward `target` (both in `range`). */
  | { readonly field: string; readonly how: 'range'; readonly target: number }
  /** One of these values, tried in order (each milder than the current one). */
  | { readonly field: string; readonly how: 'choice'; readonly candidates: readonly Json[] };

/** The fields of `fault` that can be made milder within `space`, in the order to try them. */
export function milderFields(fault: Fault, space: FaultSpace): FieldShrink[] {
  const out: FieldShrink[] = [];
  const f = fault as unknown as Readonly<Record<string, Json | undefined>>;
  const range = (field: string, r: Range | undefined): void => {
    const value = f[field];
    if (r === undefined || typeof value !== 'number' || value < r[0] || value > r[1]) return;
    const target = mildest(r);
    if (value !== target) out.push({ field, how: 'range', target });
  };
  const choice = (field: string, list: readonly Json[] | undefined): void => {
    const value = f[field];
    if (list === undefined) return;
    const at = list.findIndex((c) => sameJson(c, value ?? null));
    if (at > 0) out.push({ field, how: 'choice', candidates: list.slice(0, at) });
  };
  if (fault.atMs > space.windowMs[0] && fault.atMs <= space.windowMs[1]) out.push({ field: 'atMs', how: 'range', target: space.windowMs[0] });
  const k = space.kinds;
  switch (fault.kind) {
    case 'partition':
    case 'drop':
    case 'duplicate':
    case 'delay':
    case 'reorder': {
      const link = k[fault.kind];
      if (link === undefined) break;
      if (f.oneWay === true) out.push({ field: 'oneWay', how: 'choice', candidates: [false] });
      range('durationMs', link.durationMs);
      if (fault.kind === 'drop' || fault.kind === 'duplicate') choice('ratio', (link as { ratios?: readonly Json[] }).ratios);
      if (fault.kind === 'delay') range('extraMs', k.delay?.extraMs);
      if (fault.kind === 'reorder') range('jitterMs', k.reorder?.jitterMs);
      break;
    }
    case 'crash': {
      const downMs = k.crash?.downMs;
      if (downMs === undefined) break;
      // A crash that stays down is the harshest: first try it coming back after the longest wait the space allows.
      if (f.downMs === null) out.push({ field: 'downMs', how: 'choice', candidates: [downMs[1]] });
      out.push({ field: 'downMs', how: 'range', target: mildest(downMs) });
      break;
    }
    case 'pause':
      range('durationMs', k.pause?.durationMs);
      break;
    case 'clock-jump':
      range('deltaMs', k['clock-jump']?.deltaMs);
      break;
    case 'clock-drift':
      range('ppm', k['clock-drift']?.ppm);
      range('durationMs', k['clock-drift']?.durationMs);
      break;
    case 'load':
      range('factorPct', k.load?.factorPct);
      range('durationMs', k.load?.durationMs);
      break;
    case 'http-error':
      choice('status', k['http-error']?.statuses);
      range('durationMs', k['http-error']?.durationMs);
      break;
    case 'request-fault': {
      const requests = k['request-fault'];
      if (f.mode === 'error' && f.status !== undefined) choice('status', requests?.statuses ?? [503]);
      range('count', requests?.count);
      break;
    }
    case 'restart':
      break;
    default: {
      const custom = own(space.custom, fault.kind);
      if (custom === undefined) break;
      for (const [field, spec] of Object.entries(custom.fields)) {
        if (Array.isArray(spec)) range(field, spec as unknown as Range);
        else if ('oneOf' in spec) choice(field, spec.oneOf);
      }
    }
  }
  return out;
}

/** The mildest value of a range: 0 when it holds 0, else its end nearer 0. */
export function mildest([min, max]: Range): number {
  if (min <= 0 && max >= 0) return 0;
  return min > 0 ? min : max;
}

function sameJson(a: Json, b: Json): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
