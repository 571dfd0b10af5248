/**
 * Replaying a repro: run its plan again with a full trace and compare. Same
 * hash: the failure is reproduced exactly. Different hash: the code (or the
 * environment) changed what happens, and the first differing checkpoint says
 * from where.
 */
import { run, type RunResult } from '../kernel/run.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import type { TraceRecord } from '../kernel/trace.ts';
import type { ReproFile } from './repro-file.ts';

export interface ReplayResult {
  readonly result: RunResult;
  readonly identical: boolean;
  /** Where the replay first differs from the recording, when it does. */
  readonly divergence?: {
    /** The first record that may differ: the replay matched up to the checkpoint before it. */
    readonly fromIndex: number;
    /** The first checkpoint that differs. */
    readonly toIndex: number;
    readonly expected: TraceRecord | undefined;
    readonly actual: TraceRecord | undefined;
  };
}

export function replay(repro: ReproFile, scenario: AnyScenario): ReplayResult {
  return compareReplay(repro, run(scenario, repro.variant, repro.seed, repro.plan, { traceMode: 'full', checkpoints: true }));
}

/** Compares a replay's run (full trace, checkpoints) with what the repro recorded. */
export function compareReplay(repro: ReproFile, result: RunResult): ReplayResult {
  if (result.traceHash === repro.expected.traceHash && result.traceLength === repro.expected.traceLength) {
    return { result, identical: true };
  }
  const actual = result.checkpoints ?? [];
  let fromIndex = 0;
  for (const checkpoint of repro.expected.checkpoints) {
    if (actual[checkpoint.index] !== checkpoint.hash) {
      return { result, identical: false, divergence: { fromIndex, toIndex: checkpoint.index, expected: checkpoint.record, actual: result.trace[checkpoint.index] } };
    }
    fromIndex = checkpoint.index + 1;
  }
  // Every checkpoint matched: the replay runs longer than the recording.
  return { result, identical: false, divergence: { fromIndex, toIndex: fromIndex, expected: undefined, actual: result.trace[fromIndex] } };
}

/** One line saying where a replay diverged. */
export function describeDivergence(divergence: NonNullable<ReplayResult['divergence']>): string {
  const where =
    divergence.fromIndex === divergence.toIndex ? `at record ${divergence.toIndex}` : `between records ${divergence.fromIndex} and ${divergence.toIndex}`;
  const show = (r: TraceRecord | undefined) => (r === undefined ? '(trace ended)' : `t=${r.atMs}ms ${r.node} ${r.kind} ${r.peer ? `(${r.peer}) ` : ''}${r.detail}`);
  return `trace diverged ${where}: recorded ${show(divergence.expected)}; replayed ${show(divergence.actual)}`;
}

/**
 * A repro whose `traceHash` is not the hash its own last checkpoint
 * recorded was edited or damaged: that is a corrupt file, not a divergence
 * of the code, and is said before anything runs.
 */
export function corruptHash(repro: ReproFile): string | undefined {
  const last = repro.expected.checkpoints[repro.expected.checkpoints.length - 1];
  if (last === undefined || last.index !== repro.expected.traceLength - 1) return undefined;
  return last.hash === repro.expected.traceHash ? undefined : `"traceHash" is ${repro.expected.traceHash}, but its last checkpoint (record ${last.index}) says ${last.hash}: the file was edited or damaged`;
}
