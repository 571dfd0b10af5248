/**
 * What counts as "the same failure" while shrinking, and as "the same bug"
 * across a campaign.
 *
 * A signature names how a run failed: the outcome kind and the invariant (or
 * the forbidden API, the budget, the exhausted resource). Shrinking keeps
 * only candidates with the original signature, so a plan never shrinks from
 * one bug into another. A hang names no more than its kind: where a busy
 * loop spins is not known to the watchdog that stopped it.
 *
 * A fingerprint adds the shape of the minimal plan (its fault kinds, sorted):
 * one bug found a hundred times is one finding with a count of a hundred.
 */
import type { FaultPlan } from '../kernel/faults.ts';
import type { Outcome } from '../kernel/outcome.ts';

/** How a run failed, or `undefined` if it passed. */
export function failureSignature(outcome: Outcome): string | undefined {
  switch (outcome.kind) {
    case 'pass':
      return undefined;
    case 'safety-violation':
    case 'liveness-violation':
      return `${outcome.kind}:${outcome.invariant}`;
    case 'nondeterminism':
      return `${outcome.kind}:${outcome.api}`;
    case 'budget-exceeded':
      return `${outcome.kind}:${outcome.reason}`;
    case 'model-crash':
      return `${outcome.kind}:${outcome.node}`;
    case 'model-hang':
      return outcome.kind;
    case 'resource-exhausted':
      return `${outcome.kind}:${outcome.resource}`;
  }
}

/** The readable fingerprint of a finding: signature and plan shape. */
export function fingerprintText(signature: string, plan: FaultPlan): string {
  const shape = plan.faults.map((f) => f.kind).sort();
  return `${signature}|${shape.length === 0 ? 'no faults' : shape.join('+')}`;
}

/** A short stable id for a fingerprint (FNV-1a, 32 bits, hex). */
export function fingerprintId(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
