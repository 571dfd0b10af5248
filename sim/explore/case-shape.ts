/**
 * Whether data read back from a file (a shard, a journal) is a run's result
 * that the campaign summary can fold: the fields it reads, of their types.
 * Files are the user's to edit, so nothing is taken on trust.
 */
import type { CaseResult } from './explore-run.ts';

const OUTCOME_KINDS = new Set(['pass', 'safety-violation', 'liveness-violation', 'model-crash', 'budget-exceeded', 'nondeterminism', 'model-hang', 'resource-exhausted']);

export function isCaseResult(value: unknown, runs: number): value is CaseResult {
  if (!isObject(value)) return false;
  const c = value as Record<string, unknown>;
  const outcome = c.outcome as Record<string, unknown> | undefined;
  const counts = c.faultsFired as Record<string, unknown> | undefined;
  const ok =
    Number.isSafeInteger(c.index) && (c.index as number) >= 0 && (c.index as number) < runs &&
    Number.isSafeInteger(c.seed) &&
    isObject(outcome) && typeof outcome!.kind === 'string' && OUTCOME_KINDS.has(outcome!.kind as string) &&
    typeof c.events === 'number' && typeof c.simulatedMs === 'number' &&
    isObject(counts) && Object.values(counts!).every((n) => typeof n === 'number') &&
    stringList(c.states) && stringList(c.transitions) && stringList(c.sometimesReached) && stringList(c.enabledKinds) &&
    (c.repro === undefined || isRepro(c.repro));
  return ok;
}

function isRepro(value: unknown): boolean {
  if (!isObject(value)) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.signature === 'string' && typeof r.fingerprint === 'string' && typeof r.fingerprintId === 'string' &&
    isObject(r.plan) && Array.isArray((r.plan as { faults?: unknown }).faults) && typeof r.oneMinimal === 'boolean' && isObject(r.outcome)
  );
}

function stringList(value: unknown): boolean {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
