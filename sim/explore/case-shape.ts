/**
 * Whether data read back from a file (a shard, a journal) is a run's result
 * that the campaign summary can fold: the fields it reads, of their types.
 * Files are the user's to edit, so nothing is taken on trust.
 */
import type { CaseResult } from './explore-run.ts';
import { MUTATION_OPS } from './guided/candidate.ts';

const OUTCOME_KINDS = new Set(['pass', 'safety-violation', 'liveness-violation', 'model-crash', 'budget-exceeded', 'nondeterminism', 'model-hang', 'resource-exhausted']);

export function isCaseResult(value: unknown, runs: number): value is CaseResult {
  if (!isObject(value)) return false;
  const c = value as Record<string, unknown>;
  const outcome = c.outcome as Record<string, unknown> | undefined;
  const counts = c.faultsFired as Record<string, unknown> | undefined;
  const effective = c.faultsEffective as Record<string, unknown> | undefined;
  const ok =
    Number.isSafeInteger(c.index) && (c.index as number) >= 0 && (c.index as number) < runs &&
    Number.isSafeInteger(c.seed) &&
    isObject(outcome) && typeof outcome!.kind === 'string' && OUTCOME_KINDS.has(outcome!.kind as string) &&
    typeof c.events === 'number' && typeof c.simulatedMs === 'number' &&
    isObject(counts) && Object.values(counts!).every((n) => typeof n === 'number') &&
    isObject(effective) && Object.values(effective!).every((n) => typeof n === 'number') &&
    isObject(c.stateFirstMs) && Object.values(c.stateFirstMs as object).every((n) => typeof n === 'number') &&
    stringList(c.states) && stringList(c.transitions) && stringList(c.pairs) && stringList(c.sometimesReached) && stringList(c.enabledKinds) &&
    isPlan(c.plan) && isOrigin(c.origin) && (c.progress === null || typeof c.progress === 'number') &&
    (c.repro === undefined || isRepro(c.repro));
  return ok;
}

function isRepro(value: unknown): boolean {
  if (!isObject(value)) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.signature === 'string' && typeof r.fingerprint === 'string' && typeof r.fingerprintId === 'string' &&
    isPlan(r.plan) && typeof r.oneMinimal === 'boolean' && isObject(r.outcome)
  );
}

function isPlan(value: unknown): boolean {
  if (!isObject(value)) return false;
  const faults = (value as { faults?: unknown }).faults;
  return Array.isArray(faults) && faults.every((f) => isObject(f) && typeof (f as { kind?: unknown }).kind === 'string' && Number.isSafeInteger((f as { atMs?: unknown }).atMs));
}

function isOrigin(value: unknown): boolean {
  if (!isObject(value)) return false;
  const o = value as Record<string, unknown>;
  if (o.by === 'draw') return true;
  return o.by === 'mutation' && Number.isSafeInteger(o.parent) && (o.mate === undefined || Number.isSafeInteger(o.mate)) && Array.isArray(o.ops) && o.ops.every((op) => (MUTATION_OPS as readonly unknown[]).includes(op));
}

function stringList(value: unknown): boolean {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
