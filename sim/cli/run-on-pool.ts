/**
 * Single runs under the watchdog: `run --plan` and `replay` run their plan
 * in a worker of a pool of one, so a hanging model ends as `model-hang`
 * there too. A repro of a run the watchdog stopped is replayed as a capture:
 * it must stop the same way, after the same records.
 */
import { watchdogOutcome } from '../explore/pool/run-campaign.ts';
import type { RunResult } from '../kernel/run.ts';
import { Trace } from '../kernel/trace.ts';
import type { FaultPlan } from '../kernel/faults.ts';
import { replayable } from '../repro/finding-files.ts';
import { compareReplay, type ReplayResult } from '../repro/replay.ts';
import type { ReproFile } from '../repro/repro-file.ts';
import { openPool, type EngineSettings } from './engine.ts';
import type { WorkerPool } from '../explore/pool/pool.ts';

export interface SingleRun {
  readonly file: string;
  readonly id: string;
  readonly variant: string;
  readonly seed: number;
  readonly plan: FaultPlan;
}

/** Runs one plan in a worker; a run the watchdog stopped comes back with its typed outcome and the records before it. */
export async function runOnPool(single: SingleRun, full: boolean, settings: EngineSettings, shared?: WorkerPool): Promise<RunResult> {
  const pool = shared ?? openPool(settings);
  try {
    const input = { scenario: { file: single.file, id: single.id }, variant: single.variant, seed: single.seed, plan: single.plan, traceMode: full ? 'full' : 'hash', checkpoints: full };
    const outcome = await pool.run<RunResult>({ handler: 'run', input });
    if (outcome.status === 'done') return outcome.value;
    // It did not end: run it once more as a capture, whose records reach this thread before it stops.
    const captured = await pool.run<RunResult>({ handler: 'capture', input });
    return stoppedResult(single, captured.status === 'done' ? outcome : captured);
  } finally {
    if (shared === undefined) await pool.close();
  }
}

function stoppedResult(single: SingleRun, stopped: Parameters<typeof watchdogOutcome>[0]): RunResult {
  const trace = new Trace('full', 64, true);
  for (const r of stopped.records) trace.record(r.atMs, r.node, r.kind, r.peer, r.detail);
  const outcome = watchdogOutcome(stopped);
  return {
    scenario: single.id,
    variant: single.variant,
    seed: single.seed,
    outcome,
    traceHash: trace.hash,
    events: 0,
    simulatedMs: outcome.atMs,
    traceLength: trace.length,
    faultsFired: {},
    firedFaults: single.plan.faults.map(() => false),
    faultsEffective: {},
    effectiveFaults: single.plan.faults.map(() => false),
    coverage: { states: [], transitions: [], pairs: [], stateFirstMs: {} },
    progress: null,
    sometimesReached: [],
    trace: trace.records(),
    checkpoints: trace.hashCheckpoints() ?? [],
  };
}

/** Replays a repro in a worker and compares what it gives with what was recorded. */
export async function replayOnPool(repro: ReproFile, file: string, id: string, settings: EngineSettings, pool?: WorkerPool): Promise<ReplayResult> {
  const single = { file, id, variant: repro.variant, seed: repro.seed, plan: repro.plan };
  const result = await runOnPool(single, true, settings, pool);
  // A hang is recorded with the records before it; the outcome's wording (its budget) may differ.
  if (!replayable(repro.expected.outcome) && !replayable(result.outcome)) return compareReplay(repro, { ...result, outcome: repro.expected.outcome });
  return compareReplay(repro, result);
}
