/**
 * Where a command's runs happen: one worker pool for the whole command
 * (warm across its campaigns), sized by `--workers` and capped at the
 * machine's parallelism, with the watchdog's budgets from `--run-timeout`
 * and `--run-memory`. Also how findings get their files built there.
 */
import { availableParallelism } from 'node:os';
import type { Finding } from '../explore/campaign.ts';
import { WorkerPool } from '../explore/pool/pool.ts';
import type { ScenarioRef } from '../explore/pool/protocol.ts';
import { watchdogOutcome } from '../explore/pool/run-campaign.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import { replayable, stoppedFindingFiles, type FindingFiles, type FindingRequest } from '../repro/finding-files.ts';
import type { Materialize } from '../repro/write-findings.ts';

/** A run's default wall-clock budget: far above any run of the library (the slowest take about a second), and a short wait for a hang. */
export const DEFAULT_RUN_TIMEOUT_MS = 30_000;
/** A worker's default heap: ten times the largest library run's. */
export const DEFAULT_RUN_MEMORY_MB = 2048;

export interface EngineSettings {
  readonly workers: number;
  readonly runTimeoutMs?: number;
  readonly runMemoryMb?: number;
}

/** The pool of a command. More workers than cores would only share them: capped, with a notice. */
export function openPool(settings: EngineSettings, log: (line: string) => void = (line) => process.stderr.write(line + '\n')): WorkerPool {
  const cores = availableParallelism();
  let size = settings.workers;
  if (size > cores) {
    log(`notice: --workers ${size} is more than this machine's ${cores} cores; using ${cores}`);
    size = cores;
  }
  return new WorkerPool({ size, runTimeoutMs: settings.runTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS, memoryMb: settings.runMemoryMb ?? DEFAULT_RUN_MEMORY_MB });
}

/** Builds a finding's files in the pool. */
export function materializeOnPool(pool: WorkerPool, ref: ScenarioRef, scenario: AnyScenario): Materialize {
  return async (request: FindingRequest): Promise<FindingFiles> => {
    const finding: Finding = request.finding;
    if (!replayable(finding.repro.outcome)) {
      // The run never ends: capture what it does until the watchdog stops it again.
      const captured = await pool.run({ handler: 'capture', input: { scenario: ref, variant: request.variant, seed: finding.seed, plan: finding.repro.plan, traceMode: 'hash', checkpoints: false } });
      const records = captured.status === 'done' ? [] : captured.records;
      return stoppedFindingFiles(scenario, request, finding.repro.outcome, records);
    }
    const built = await pool.run<FindingFiles>({ handler: 'finding', input: { scenario: ref, request } });
    if (built.status === 'done') return built.value;
    // The fixed variant (or the series run) did not finish under this plan: say so rather than run it again.
    const again = await pool.run<FindingFiles>({ handler: 'finding', input: { scenario: ref, request: { ...request, fixedStopped: watchdogOutcome(built) } } });
    if (again.status === 'done') return again.value;
    throw new Error(`the finding ${finding.fingerprint} did not replay to its end in a worker (${again.detail})`);
  };
}
