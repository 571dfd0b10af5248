/**
 * Where a command's runs happen: one worker pool for the whole command
 * (warm across its campaigns), sized by `--workers` and capped at the
 * machine's parallelism, with the watchdog's budgets from `--run-timeout`
 * and `--run-memory`.
 */
import { availableParallelism } from 'node:os';
import { WorkerPool } from '../explore/pool/pool.ts';
import { DEFAULT_RUN_MEMORY_MB, DEFAULT_RUN_TIMEOUT_MS } from '../explore/pool/defaults.ts';


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


export { materializeOnPool } from '../repro/materialize-on-pool.ts';
