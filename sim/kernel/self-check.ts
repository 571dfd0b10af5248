/**
 * The self-check (madsim's determinism check): run the same seed and plan
 * twice in one process and compare the traces record by record. A difference
 * means something outside the seed leaked into the run; the first differing
 * record says where and when.
 */
import type { FaultPlan } from './faults.ts';
import { run, type RunResult } from './run.ts';
import type { AnyScenario } from './scenario.ts';
import type { TraceRecord } from './trace.ts';

export interface SelfCheckResult {
  readonly first: RunResult;
  readonly second: RunResult;
  /** The first record at which the two traces differ; absent when identical. */
  readonly divergence?: { readonly index: number; readonly first?: TraceRecord; readonly second?: TraceRecord };
}

export function selfCheck(scenario: AnyScenario, variant: string, seed: number, plan: FaultPlan): SelfCheckResult {
  const first = run(scenario, variant, seed, plan, { traceMode: 'full', checkpoints: true });
  const second = run(scenario, variant, seed, plan, { traceMode: 'full', checkpoints: true });
  const index = firstDifference(first.checkpoints ?? [], second.checkpoints ?? []);
  if (index === undefined) return { first, second };
  return { first, second, divergence: { index, first: first.trace[index], second: second.trace[index] } };
}

/** Index of the first differing element, counting a missing one as different. */
export function firstDifference(a: readonly string[], b: readonly string[]): number | undefined {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return undefined;
}
